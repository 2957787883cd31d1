import FlyingFox
import Foundation
@testable import ArenaRuntime

private typealias JSONValue = ArenaRuntime.JSONValue
private typealias HTTPRequest = FlyingFox.HTTPRequest
private typealias HTTPResponse = FlyingFox.HTTPResponse

/// A Hub on 127.0.0.1 speaking the API shapes the dataset and model stores use: the paginated tree
/// listing (with `lfs.oid` for Parquet, safetensors and other weight files, git blob ids for the
/// rest), revision lookup, and `resolve` downloads that redirect LFS files to a content URL, as the
/// Hub does. Datasets are under `/api/datasets/` and `/datasets/<id>/resolve/`, models under
/// `/api/models/` and `/<id>/resolve/`.
final class LoopbackHub: @unchecked Sendable {
    struct Repo {
        /// Commit SHA -> path -> bytes.
        var commits: [String: [String: Data]]
        /// Branch name -> commit SHA.
        var branches: [String: String] = [:]
    }

    private let lock = NSLock()
    private var repos: [String: Repo]
    private var models: [String: Repo]
    private var log: [String] = []
    private var corrupted: Set<String> = []
    private let requiredToken: String?
    private let pageSize = 2
    private var server: HTTPServer?
    private var task: Task<Void, any Error>?
    private(set) var endpoint = ""

    init(repos: [String: Repo], models: [String: Repo] = [:], requiredToken: String? = nil) {
        self.repos = repos
        self.models = models
        self.requiredToken = requiredToken
    }

    var requests: [String] { lock.withLock { log } }

    /// Serves other bytes than listed for this path (a damaged transfer).
    func corrupt(path: String) { lock.withLock { _ = corrupted.insert(path) } }

    func start() async throws {
        let server = HTTPServer(address: try .inet(ip4: "127.0.0.1", port: 0), timeout: 10, logger: .disabled,
                                handler: ClosureHTTPHandler { [weak self] request in
                                    guard let self else { return HTTPResponse(statusCode: .notFound) }
                                    return self.handle(request)
                                })
        self.server = server
        task = Task { try await server.run() }
        // Generous: other suites' synchronous tests may hold the concurrency pool for a while.
        try await server.waitUntilListening(timeout: 120)
        guard case let .ip4(_, port)? = await server.listeningAddress else { throw DataTestError("loopback Hub did not listen") }
        endpoint = "http://127.0.0.1:\(port)"
    }

    func stop() async {
        await server?.stop(timeout: 0.2)
        task?.cancel()
    }

    private func handle(_ request: HTTPRequest) -> HTTPResponse {
        let path = request.target.path(percentEncoded: true)
        lock.withLock { log.append(path) }
        if let requiredToken, request.headers[HTTPHeader("Authorization")] != "Bearer \(requiredToken)" {
            return json(.object(["error": .string("Invalid credentials in Authorization header")]), status: .unauthorized)
        }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        // ["", "api", "datasets", owner, name, verb, rev, ...] or ["", "datasets", owner, name, "resolve", rev, ...] or ["", "cdn", sha]
        if parts.count == 3, parts[1] == "cdn" {
            return lock.withLock { blob(sha256: parts[2]) }
        }
        if parts.count >= 7, parts[1] == "api", parts[2] == "datasets" || parts[2] == "models" {
            let repo = parts[3] + "/" + parts[4]
            let revision = parts[6].removingPercentEncoding ?? parts[6]
            let table = parts[2] == "models" ? models : repos
            return lock.withLock {
                guard table[repo] != nil else { return json(.object(["error": .string("Repository Not Found")]), status: .notFound) }
                guard let (sha, files) = commit(table, repo, revision) else {
                    return json(.object(["error": .string("Revision Not Found")]), status: .notFound)
                }
                if parts[5] == "revision" { return json(.object(["id": .string(repo), "sha": .string(sha)])) }
                guard parts[5] == "tree" else { return HTTPResponse(statusCode: .notFound) }
                return tree(files, request: request)
            }
        }
        let isDataset = parts.count >= 7 && parts[1] == "datasets" && parts[4] == "resolve"
        let isModel = !isDataset && parts.count >= 6 && parts[1] != "api" && parts[3] == "resolve"
        if isDataset || isModel {
            let first = isDataset ? 2 : 1
            let repo = parts[first] + "/" + parts[first + 1]
            let revision = parts[first + 3].removingPercentEncoding ?? parts[first + 3]
            let file = parts[(first + 4)...].joined(separator: "/").removingPercentEncoding ?? ""
            return lock.withLock {
                guard let (_, files) = commit(isDataset ? repos : models, repo, revision), var data = files[file] else {
                    return json(.object(["error": .string("Entry not found")]), status: .notFound)
                }
                if corrupted.contains(file) { data.append(0x0a) }
                if Self.isLFS(file) && !corrupted.contains(file) {
                    let headers: HTTPHeaders = [HTTPHeader("Location"): "/cdn/\(SHA256.hex(data))"]
                    return HTTPResponse(statusCode: .found, headers: headers)
                }
                return HTTPResponse(statusCode: .ok, body: data)
            }
        }
        return HTTPResponse(statusCode: .notFound)
    }

    /// Files the Hub keeps in LFS (listed with `lfs.oid`, downloaded through a redirect).
    static func isLFS(_ path: String) -> Bool {
        [".parquet", ".safetensors", ".bin", ".gguf"].contains { path.hasSuffix($0) }
    }

    private func commit(_ table: [String: Repo], _ repo: String, _ revision: String) -> (String, [String: Data])? {
        guard let r = table[repo] else { return nil }
        let sha = r.branches[revision] ?? revision
        guard let files = r.commits[sha] else { return nil }
        return (sha, files)
    }

    private func blob(sha256: String) -> HTTPResponse {
        for repo in Array(repos.values) + Array(models.values) {
            for files in repo.commits.values {
                if let data = files.values.first(where: { SHA256.hex($0) == sha256 }) { return HTTPResponse(statusCode: .ok, body: data) }
            }
        }
        return HTTPResponse(statusCode: .notFound)
    }

    private func tree(_ files: [String: Data], request: HTTPRequest) -> HTTPResponse {
        var entries: [JSONValue] = []
        var folders = Set<String>()
        for path in files.keys.sorted() {
            var prefix = ""
            for component in path.split(separator: "/").dropLast() {
                prefix += (prefix.isEmpty ? "" : "/") + component
                if folders.insert(prefix).inserted {
                    entries.append(.object(["type": .string("directory"), "oid": .string("0"), "size": .int(0), "path": .string(prefix)]))
                }
            }
            let data = files[path] ?? Data()
            var entry: [String: JSONValue] = ["type": .string("file"), "path": .string(path), "size": .int(data.count),
                                              "oid": .string(Self.gitHashObject(data))]
            if Self.isLFS(path) {
                entry["lfs"] = .object(["oid": .string(SHA256.hex(data)), "size": .int(data.count), "pointerSize": .int(134)])
            }
            entries.append(.object(entry))
        }
        let cursor = Int(request.query.first(where: { $0.name == "cursor" })?.value ?? "0") ?? 0
        let page = Array(entries.dropFirst(cursor).prefix(pageSize))
        var headers: HTTPHeaders = [HTTPHeader("Content-Type"): "application/json"]
        if cursor + pageSize < entries.count, let host = request.headers[HTTPHeader("Host")] {
            headers[HTTPHeader("Link")] = "<http://\(host)\(request.target.path(percentEncoded: true))?recursive=true&expand=false&cursor=\(cursor + pageSize)>; rel=\"next\""
        }
        return HTTPResponse(statusCode: .ok, headers: headers, body: JSONValue.array(page).serializedData(indent: nil))
    }

    private func json(_ value: JSONValue, status: HTTPStatusCode = .ok) -> HTTPResponse {
        HTTPResponse(statusCode: status, headers: [HTTPHeader("Content-Type"): "application/json"], body: value.serializedData(indent: nil))
    }

    /// Git's own blob id for the bytes, from `git hash-object`.
    static func gitHashObject(_ data: Data) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "hash-object", "--stdin"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        guard (try? process.run()) != nil else { return "git-unavailable" }
        input.fileHandleForWriting.write(data)
        try? input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: out, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Runs blocking work (the store's libcurl calls) on its own thread, leaving the concurrency
/// pool free for the loopback server.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}
