import Foundation

/// Where a task's rows come from.
public enum DatasetSource: Sendable, Equatable {
    /// A Hub dataset at a commit SHA; `config` nil or "default" for datasets without configs.
    case hub(id: String, revision: String, config: String?)
    /// A local JSONL (`.jsonl`, `.ndjson`), JSON (`.json`: an array of objects, or JSON Lines), CSV
    /// (`.csv`, with a header) or Parquet file, or a folder
    /// of them from which the split's files are chosen by name.
    case local(path: String)
}

/// A file rows were read from, as the lockfile records it.
public struct DataFileRecord: Sendable, Equatable, Hashable {
    /// `hf://datasets/<id>@<commit>/<path>` for Hub files, the path as given for local ones.
    public var path: String
    public var sha256: String
    public var size: Int

    public init(path: String, sha256: String, size: Int) {
        self.path = path
        self.sha256 = sha256
        self.size = size
    }

    public var json: JSONValue { .object(["path": .string(path), "sha256": .string(sha256), "size": .int(size)]) }
}

/// The rows of one split and the files they were read from, in read order.
public struct LoadedSplit: Sendable, Equatable {
    public var rows: [JSONValue]
    public var files: [DataFileRecord]
    /// The order of the rows' keys in the files (`JSONValue` objects do not keep it).
    public var keyOrder: JSONKeyOrder

    public init(rows: [JSONValue], files: [DataFileRecord], keyOrder: JSONKeyOrder = JSONKeyOrder()) {
        self.rows = rows
        self.files = files
        self.keyOrder = keyOrder
    }
}

public enum DatasetLoaderError: Error, CustomStringConvertible, Equatable {
    case unsupportedFormat(path: String)
    case unreadable(path: String, reason: String)
    case noFiles(path: String, split: String)
    case changed(path: String, recorded: String, actual: String)
    case notCached(path: String, sha256: String)

    public var description: String {
        switch self {
        case let .unsupportedFormat(path): return "\(path): unknown data file type (expected .jsonl, .ndjson, .json, .csv or .parquet)"
        case let .unreadable(path, reason): return "\(path): cannot read: \(reason)"
        case let .changed(path, recorded, actual):
            return "\(path): sha256 is \(actual), the lockfile records \(recorded); the file changed since it was locked"
        case let .notCached(path, sha256): return "\(path): the recorded file (sha256 \(sha256)) is not in the cache"
        case let .noFiles(path, split): return "\(path): no .parquet, .jsonl, .json or .csv file for split '\(split)'"
        }
    }
}

/// The one entry point for task data: rows as `JSONValue` objects keyed by column name, plus the
/// sha256 of every file read.
public struct DatasetLoader: Sendable {
    public let hub: HubFilesStore

    public init(hub: HubFilesStore) { self.hub = hub }

    /// A loader configured from the environment (HF_ENDPOINT, HF_TOKEN, ARENA_CACHE_DIR, ARENA_OFFLINE).
    public static func fromEnvironment() -> DatasetLoader {
        DatasetLoader(hub: HubFilesStore(configuration: .fromEnvironment()))
    }

    /// The async form: the blocking reads and downloads run on a thread of their own, so the
    /// concurrency pool stays free (for loopback servers, engines, other tasks).
    public func load(_ source: DatasetSource, split: String) async throws -> LoadedSplit {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try self.load(source, split: split) })
            }
        }
    }

    public func load(_ source: DatasetSource, split: String) throws -> LoadedSplit {
        switch source {
        case let .hub(id, revision, config):
            var files = try hub.files(repo: id, revision: revision, config: config, split: split)
            var rows: [JSONValue] = []
            var records: [DataFileRecord] = []
            var order = JSONKeyOrder()
            var index = 0
            var refetched = false
            while index < files.count {
                let file = files[index]
                index += 1
                guard let data = try hub.cache.readBlob(sha256: file.sha256) else {
                    // The blob vanished or was damaged (and removed) since the listing: fetch once more.
                    if hub.configuration.offline {
                        throw HubFilesError.offlineMissing("file \(file.address) (sha256 \(file.sha256))")
                    }
                    guard !refetched else {
                        throw HubFilesError.cacheCorrupt("file \(file.address) (sha256 \(file.sha256)) cannot be read back from the cache")
                    }
                    refetched = true
                    files = try hub.files(repo: id, revision: revision, config: config, split: split)
                    rows.removeAll()
                    records.removeAll()
                    order = JSONKeyOrder()
                    index = 0
                    continue
                }
                rows.append(contentsOf: try Self.rows(data, path: file.path, name: file.address, keyOrder: &order))
                records.append(DataFileRecord(path: file.address, sha256: file.sha256, size: data.count))
            }
            return LoadedSplit(rows: rows, files: records, keyOrder: order)
        case let .local(path):
            return try Self.loadLocal(path: path, split: split)
        }
    }

    /// Re-reads exactly the files a lockfile recorded, with no request: Hub files (`hf://` paths)
    /// from the cache by their sha256, local files from disk, each checked against its recorded
    /// hash.
    public func loadRecorded(_ files: [DataFileRecord]) throws -> LoadedSplit {
        var rows: [JSONValue] = []
        var order = JSONKeyOrder()
        for file in files {
            let data: Data
            if file.path.hasPrefix("hf://") {
                guard let blob = try hub.cache.readBlob(sha256: file.sha256) else {
                    throw DatasetLoaderError.notCached(path: file.path, sha256: file.sha256)
                }
                data = blob
            } else {
                do { data = try Data(contentsOf: URL(fileURLWithPath: file.path)) } catch {
                    throw DatasetLoaderError.unreadable(path: file.path, reason: error.localizedDescription)
                }
                let actual = SHA256.hex(data)
                guard actual == file.sha256 else { throw DatasetLoaderError.changed(path: file.path, recorded: file.sha256, actual: actual) }
            }
            rows.append(contentsOf: try Self.rows(data, path: file.path, name: file.path, keyOrder: &order))
        }
        return LoadedSplit(rows: rows, files: files, keyOrder: order)
    }

    static func loadLocal(path: String, split: String) throws -> LoadedSplit {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DatasetLoaderError.unreadable(path: path, reason: "no such file or directory")
        }
        var paths = [path]
        if isDirectory.boolValue {
            let listed = (FileManager.default.enumerator(atPath: path)?.allObjects as? [String]) ?? []
            let chosen = HubFilesSelection.select(listed, config: nil, split: split, extensions: ["parquet", "jsonl", "ndjson", "json", "csv"])
            guard !chosen.isEmpty else { throw DatasetLoaderError.noFiles(path: path, split: split) }
            paths = chosen.map { (path as NSString).appendingPathComponent($0) }
        }
        var rows: [JSONValue] = []
        var records: [DataFileRecord] = []
        var order = JSONKeyOrder()
        for file in paths {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
                throw DatasetLoaderError.unreadable(path: file, reason: error.localizedDescription)
            }
            rows.append(contentsOf: try Self.rows(data, path: file, name: file, keyOrder: &order))
            records.append(DataFileRecord(path: file, sha256: SHA256.hex(data), size: data.count))
        }
        return LoadedSplit(rows: rows, files: records, keyOrder: order)
    }

    /// Parses a file's bytes like `rows(_:path:name:)`, with the 1-based line each row starts on
    /// for line-based formats (JSON Lines, CSV) and nil for the others.
    static func numberedRows(_ data: Data, path: String, name: String) throws -> [(line: Int?, row: JSONValue)] {
        let lowered = path.lowercased()
        if lowered.hasSuffix(".jsonl") || lowered.hasSuffix(".ndjson") { return try JSONLReader.numberedRows(data, name: name).map { ($0.line, $0.row) } }
        if lowered.hasSuffix(".csv") { return try CSVReader.numberedRows(data, name: name).map { ($0.line, $0.row) } }
        return try rows(data, path: path, name: name).map { (nil, $0) }
    }

    /// Parses a file's bytes by the extension of `path`; `name` is used in error messages.
    static func rows(_ data: Data, path: String, name: String) throws -> [JSONValue] {
        var order = JSONKeyOrder()
        return try rows(data, path: path, name: name, keyOrder: &order)
    }

    /// `rows(_:path:name:)`, with the order of the rows' keys merged into `keyOrder`: a JSON
    /// file's order of first appearance, a CSV header's, a Parquet schema's.
    static func rows(_ data: Data, path: String, name: String, keyOrder: inout JSONKeyOrder) throws -> [JSONValue] {
        let lowered = path.lowercased()
        if lowered.hasSuffix(".parquet") {
            let file = try ParquetFile(bytes: [UInt8](data), name: name)
            keyOrder.merge(file.keyOrder)
            return try file.rows()
        }
        if lowered.hasSuffix(".jsonl") || lowered.hasSuffix(".ndjson") { return try JSONLReader.numberedRows(data, name: name, keyOrder: &keyOrder).map(\.row) }
        if lowered.hasSuffix(".csv") { return try CSVReader.numberedRows(data, name: name, keyOrder: &keyOrder).map(\.row) }
        if lowered.hasSuffix(".json") { return try JSONFileReader.rows(data, name: name, keyOrder: &keyOrder) }
        throw DatasetLoaderError.unsupportedFormat(path: name)
    }
}
