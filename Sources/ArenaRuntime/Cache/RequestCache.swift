import CCompression
import Foundation

/// What a cached response depends on besides the request body: the model at what pins its
/// weights (a Hub commit, a local folder's content hash) and the engine that computed it (image
/// digest, server version). Each scope has its own log file, so responses of one model are never
/// served for another, nor for the same path after its weights changed.
public struct RequestCacheScope: Sendable, Hashable {
    /// `org/name@<commit>` or `path@sha256:<content hash>`.
    public var model: String
    /// `vllm sha256:... 0.8.5`, `sglang 0.4.6`, `endpoint 0.8.5`: whatever pins the numerics.
    public var engine: String
    /// Names a user writes for the model (binding name, id as written, resolved path, served
    /// name): shown by `cache info`, matched by `cache clear --model`. Not part of the identity.
    public var names: [String]

    public init(model: String, engine: String, names: [String] = []) {
        self.model = model
        self.engine = engine
        self.names = names
    }

    var json: JSONValue { .object(["engine": .string(engine), "model": .string(model)]) }
    /// The folder name of this scope under the cache root.
    public var digest: String { SHA256.hex(json.serialized(indent: nil)) }

    /// The model id without its pin (`org/name` of `org/name@<commit>`).
    public var modelID: String {
        guard let at = model.lastIndex(of: "@") else { return model }
        return String(model[..<at])
    }

    /// True when `name` is one of the names a user writes for this scope's model: a recorded
    /// name, the model id, or the model with its pin.
    public func matches(_ name: String) -> Bool {
        name == model || name == modelID || names.contains(name)
    }
}

public enum RequestCacheError: Error, CustomStringConvertible {
    case io(path: String, message: String)

    public var description: String {
        switch self {
        case let .io(path, message): return "request cache \(path): \(message)"
        }
    }
}

/// A durable, content-addressed store of server responses.
///
/// One append-only log per scope. Each record is one `write(2)` of
/// `<crc32 hex8> <key hex64> <length>\n<response bytes>\n`, where the CRC-32 covers key and bytes.
/// A process killed at any moment leaves at most one torn record at the end of the log; it is cut
/// off on the next open, and records whose checksum does not match are skipped (and asked for
/// again). `fsync` runs in batches (every `syncEvery` records or `syncInterval` seconds, and on
/// `close`), which bounds what a power loss can take; a process crash loses nothing written.
/// docs/servers.md explains the choice over SQLite.
public final class RequestCache: @unchecked Sendable {
    public let scope: RequestCacheScope
    public let directory: URL
    public let logURL: URL
    private let lock = NSLock()
    private var fd: Int32
    private var index: [String: (offset: Int, length: Int)] = [:]
    private var endOffset: Int
    private var unsynced = 0
    private var lastSync = Date()
    private let syncEvery: Int
    private let syncInterval: Double
    /// Records skipped on open because their checksum did not match.
    public private(set) var corruptRecords = 0

    /// `$ARENA_CACHE_DIR`, else `$XDG_CACHE_HOME/arena-script/requests`, else `~/.cache/arena-script/requests`.
    public static func defaultRoot(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let dir = environment["ARENA_CACHE_DIR"], !dir.isEmpty { return URL(fileURLWithPath: dir).appendingPathComponent("requests") }
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg).appendingPathComponent("arena-script/requests")
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/arena-script/requests")
    }

    /// Removes every cached response under `root` (all scopes), or only the scopes of the model a
    /// user names as `model` (see `RequestCacheScope.matches`). Returns how many scopes were removed.
    @discardableResult
    public static func clear(root: URL, model: String? = nil) throws -> Int {
        var removed = 0
        for (folder, scope) in try scopeFolders(root: root) {
            if let model, !scope.matches(model) { continue }
            try FileManager.default.removeItem(at: folder)
            removed += 1
        }
        return removed
    }

    /// Every scope under `root` with its number of responses and log size, sorted by model then engine.
    public static func scopes(root: URL) throws -> [(scope: RequestCacheScope, records: Int, bytes: Int)] {
        var found: [(scope: RequestCacheScope, records: Int, bytes: Int)] = []
        for (_, scope) in try scopeFolders(root: root) {
            let cache = try RequestCache(root: root, scope: scope)
            let bytes = (try? FileManager.default.attributesOfItem(atPath: cache.logURL.path)[.size] as? Int) ?? 0
            found.append((cache.scope, cache.count, bytes))
        }
        return found.sorted { ($0.scope.model, $0.scope.engine) < ($1.scope.model, $1.scope.engine) }
    }

    /// The scope folders under `root` (those holding a `scope.json`; anything else there is not
    /// the cache's), with their names, in folder-name order.
    static func scopeFolders(root: URL) throws -> [(URL, RequestCacheScope)] {
        let fm = FileManager.default
        guard fm.fileExists(atPath: root.path) else { return [] }
        return try fm.contentsOfDirectory(atPath: root.path).sorted().compactMap { name in
            let folder = root.appendingPathComponent(name)
            guard let data = try? Data(contentsOf: folder.appendingPathComponent("scope.json")), let json = try? JSONValue.parse(data),
                  let model = json["model"]?.stringValue, let engine = json["engine"]?.stringValue else { return nil }
            return (folder, RequestCacheScope(model: model, engine: engine, names: recordedNames(in: folder)))
        }
    }

    /// `names.json`: the names recorded for a scope, sorted.
    static func recordedNames(in folder: URL) -> [String] {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("names.json")),
              let list = try? JSONValue.parse(data).arrayValue else { return [] }
        return list.compactMap(\.stringValue)
    }

    public init(root: URL, scope: RequestCacheScope, syncEvery: Int = 256, syncInterval: Double = 1.0) throws {
        self.syncEvery = max(1, syncEvery)
        self.syncInterval = syncInterval
        let directory = root.appendingPathComponent(scope.digest)
        self.directory = directory
        logURL = directory.appendingPathComponent("requests.log")
        var scope = scope
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let scopeFile = directory.appendingPathComponent("scope.json")
            if !FileManager.default.fileExists(atPath: scopeFile.path) {
                try AtomicFile.write(scope.json.serializedData(), to: scopeFile)
            }
            // The names this scope is known by: those recorded before and these.
            let recorded = Self.recordedNames(in: directory)
            let names = Array(Set(recorded + scope.names.filter { !$0.isEmpty })).sorted()
            if names != recorded {
                try AtomicFile.write(JSONValue.array(names.map { .string($0) }).serializedData(), to: directory.appendingPathComponent("names.json"))
            }
            scope.names = names
        } catch {
            throw RequestCacheError.io(path: directory.path, message: "\(error)")
        }
        self.scope = scope
        fd = open(logURL.path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RequestCacheError.io(path: logURL.path, message: String(cString: strerror(errno))) }
        endOffset = 0
        do { try load() } catch {
            close(fd)
            throw error
        }
    }

    deinit {
        _ = fsync(fd)
        close(fd)
    }

    public var count: Int { lock.withLock { index.count } }

    /// The key of a request: SHA-256 of the canonical JSON of scope, endpoint kind and body.
    public func key(endpoint: String, body: JSONValue) -> String {
        let document = JSONValue.object(["body": body, "endpoint": .string(endpoint), "scope": scope.json])
        return SHA256.hex(document.serialized(indent: nil))
    }

    /// The stored response bytes for `key`, or nil.
    public func lookup(_ key: String) -> Data? {
        lock.withLock {
            guard let entry = index[key] else { return nil }
            var data = Data(count: entry.length)
            let read = data.withUnsafeMutableBytes { pread(fd, $0.baseAddress, entry.length, off_t(entry.offset)) }
            return read == entry.length ? data : nil
        }
    }

    /// Appends a response; visible to `lookup` at once and on disk (page cache) when this returns.
    public func store(_ key: String, response: Data) throws {
        var record = Data()
        record.reserveCapacity(response.count + 96)
        let crc = Self.checksum(key: key, payload: response)
        record.append(contentsOf: Array("\(crc) \(key) \(response.count)\n".utf8))
        let payloadStart = record.count
        record.append(response)
        record.append(0x0A)
        try lock.withLock {
            guard index[key] == nil else { return }
            // Other processes may append to the same log: the file lock keeps a reader that opens
            // it now from cutting this record off as torn, and the offset comes from this write.
            _ = flock(fd, LOCK_EX)
            let written = record.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            let end = lseek(fd, 0, SEEK_CUR)
            _ = flock(fd, LOCK_UN)
            guard written == record.count, end >= record.count else {
                throw RequestCacheError.io(path: logURL.path, message: written < 0 ? String(cString: strerror(errno)) : "short write")
            }
            let start = Int(end) - record.count
            index[key] = (start + payloadStart, response.count)
            endOffset = Int(end)
            unsynced += 1
            if unsynced >= syncEvery || Date().timeIntervalSince(lastSync) >= syncInterval { try syncLocked() }
        }
    }

    /// Forces everything stored so far to stable storage.
    public func sync() throws { try lock.withLock { try syncLocked() } }

    private func syncLocked() throws {
        guard unsynced > 0 else { return }
        guard fsync(fd) == 0 else { throw RequestCacheError.io(path: logURL.path, message: "fsync: \(String(cString: strerror(errno)))") }
        unsynced = 0
        lastSync = Date()
    }

    static func checksum(key: String, payload: Data) -> String {
        var crc = crc32(0, nil, 0)
        let keyBytes = Array(key.utf8)
        crc = keyBytes.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, uInt($0.count)) }
        crc = payload.withUnsafeBytes { raw in
            crc32(crc, raw.bindMemory(to: UInt8.self).baseAddress, uInt(raw.count))
        }
        let hex = String(crc, radix: 16)
        return String(repeating: "0", count: max(0, 8 - hex.count)) + hex
    }

    /// Reads the log, indexing valid records; cuts off a torn tail.
    private func load() throws {
        _ = flock(fd, LOCK_EX)
        defer { _ = flock(fd, LOCK_UN) }
        let data: Data
        do { data = try Data(contentsOf: logURL, options: .alwaysMapped) } catch {
            throw RequestCacheError.io(path: logURL.path, message: "\(error)")
        }
        let bytes = [UInt8](data)
        var position = 0
        var validEnd = 0
        while position < bytes.count {
            guard let record = LogRecordHeader.parse(bytes, at: position) else {
                // Not a record here: either a torn tail or damage; look for the next line that is one.
                guard let next = bytes[position...].firstIndex(of: 0x0A) else { break }
                position = next + 1
                continue
            }
            let payloadEnd = record.payloadStart + record.length
            guard payloadEnd < bytes.count, bytes[payloadEnd] == 0x0A else { break }
            let payload = Data(bytes[record.payloadStart..<payloadEnd])
            if Self.checksum(key: record.key, payload: payload) == record.crc {
                index[record.key] = (record.payloadStart, record.length)
            } else {
                corruptRecords += 1
            }
            position = payloadEnd + 1
            validEnd = position
        }
        if validEnd < bytes.count {
            guard ftruncate(fd, off_t(validEnd)) == 0 else {
                throw RequestCacheError.io(path: logURL.path, message: "cutting off a torn record: \(String(cString: strerror(errno)))")
            }
        }
        endOffset = validEnd
    }
}

/// `<crc hex8> <key hex64> <length>\n` at the start of a record.
struct LogRecordHeader {
    let crc: String
    let key: String
    let length: Int
    let payloadStart: Int

    static func parse(_ bytes: [UInt8], at start: Int) -> LogRecordHeader? {
        // 8 + 1 + 64 + 1 + at least one digit + newline.
        guard start + 76 <= bytes.count, bytes[start + 8] == 0x20, bytes[start + 73] == 0x20 else { return nil }
        let hex: (UInt8) -> Bool = { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
        guard bytes[start..<start + 8].allSatisfy(hex), bytes[start + 9..<start + 73].allSatisfy(hex) else { return nil }
        var length = 0
        var i = start + 74
        while i < bytes.count, (0x30...0x39).contains(bytes[i]), i - start < 90 {
            length = length * 10 + Int(bytes[i] - 0x30)
            i += 1
        }
        guard i > start + 74, i < bytes.count, bytes[i] == 0x0A else { return nil }
        return LogRecordHeader(crc: String(decoding: bytes[start..<start + 8], as: UTF8.self),
                               key: String(decoding: bytes[start + 9..<start + 73], as: UTF8.self),
                               length: length, payloadStart: i + 1)
    }
}
