import ArenaRuntime
import FlyingFox
import Foundation

private typealias JSONValue = ArenaRuntime.JSONValue

/// `arena-bench hubmodel [--mib N] [--shards K] [--iterations N]`: serves a model of N MiB of
/// weights in K safetensors shards (plus index, config and tokenizer files) from a Hub on
/// 127.0.0.1, and times `HubModelSnapshot.folder` cold (listing, download, sha256, folder), warm
/// (cache only, no request) and with the folder removed (rebuilt from the blobs), beside the bare
/// sha256 of the same bytes. Medians over the iterations.
enum HubModelBench {
    static let id = "bench/model"
    static let commit = String(repeating: "5e", count: 20)

    static func run(_ args: [String]) async throws {
        var mib = 256, shards = 4, iterations = 5
        var i = 0
        while i + 1 < args.count, let value = Int(args[i + 1]), value > 0 {
            switch args[i] {
            case "--mib": mib = value
            case "--shards": shards = value
            case "--iterations": iterations = value
            default:
                print("usage: arena-bench hubmodel [--mib N] [--shards K] [--iterations N]")
                return
            }
            i += 2
        }
        let files = modelFiles(mib: mib, shards: shards)
        let total = files.values.reduce(0) { $0 + $1.count }
        let listing = treeListing(files)
        let server = HTTPServer(address: try .inet(ip4: "127.0.0.1", port: 0), timeout: 60, logger: .disabled,
                                handler: ClosureHTTPHandler { request in respond(request, files: files, listing: listing) })
        let serving = Task { try await server.run() }
        defer { serving.cancel() }
        try await server.waitUntilListening(timeout: 30)
        guard case let .ip4(_, port)? = await server.listeningAddress else { throw HubModelBenchError("the bench Hub did not listen") }

        var cold: [Double] = [], warm: [Double] = [], rebuild: [Double] = [], hashing: [Double] = []
        for _ in 0..<iterations {
            let cache = FileManager.default.temporaryDirectory.appendingPathComponent("arena-bench-hubmodel-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: cache) }
            let store = HubFilesStore(configuration: HubFilesConfiguration(auth: HubAuth(endpoint: "http://127.0.0.1:\(port)"),
                                                                           cacheDirectory: cache, offline: false))
            let (model, _) = try await timed(into: &cold) { try await HubModelSnapshot.folder(id: id, commit: commit, store: store) }
            _ = try await timed(into: &warm) { try await HubModelSnapshot.folder(id: id, commit: commit, store: store) }
            try FileManager.default.removeItem(at: model)
            _ = try await timed(into: &rebuild) { try await HubModelSnapshot.folder(id: id, commit: commit, store: store) }
            let names = try FileManager.default.contentsOfDirectory(atPath: model.path)
            _ = try await timed(into: &hashing) {
                try names.map { try SHA256.hex(fileAt: model.appendingPathComponent($0)) }
            }
        }
        await server.stop(timeout: 1)
        let mb = Double(total) / 1e6
        func line(_ name: String, _ times: [Double]) {
            let median = times.sorted()[times.count / 2]
            let label = name.padding(toLength: 38, withPad: " ", startingAt: 0)
            print(label + String(format: " median %9.2f ms  %8.1f MB/s", median * 1000, mb / median))
        }
        print(String(format: "hubmodel: %.1f MB in %d files (%d shards), %d iterations", mb, files.count, shards, iterations))
        line("  cold (list, download, verify, link)", cold)
        line("  warm (cache only, no request)", warm)
        line("  folder removed (rebuilt from blobs)", rebuild)
        line("  sha256 of the same bytes", hashing)
    }

    static func timed<T: Sendable>(into times: inout [Double], _ work: @Sendable () async throws -> T) async throws -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try await work()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        return result
    }

    /// Deterministic pseudo-random weight bytes (xorshift64) in shards, with an index naming them.
    static func modelFiles(mib: Int, shards: Int) -> [String: Data] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var files: [String: Data] = [:]
        var weightMap: [String: JSONValue] = [:]
        let shardBytes = mib * 1 << 20 / shards / 8 * 8
        for shard in 1...shards {
            let name = String(format: "model-%05d-of-%05d.safetensors", shard, shards)
            var words = [UInt64](repeating: 0, count: shardBytes / 8)
            for k in words.indices {
                state ^= state << 13; state ^= state >> 7; state ^= state << 17
                words[k] = state
            }
            files[name] = words.withUnsafeBytes { Data($0) }
            weightMap["layer\(shard).weight"] = .string(name)
        }
        files["model.safetensors.index.json"] = JSONValue.object(["weight_map": .object(weightMap)]).serializedData()
        files["config.json"] = Data(#"{"model_type": "llama"}"#.utf8)
        files["tokenizer.json"] = Data(#"{"model": {"type": "BPE"}}"#.utf8)
        return files
    }

    /// The tree listing, weights as LFS files with their sha256.
    static func treeListing(_ files: [String: Data]) -> Data {
        let entries: [JSONValue] = files.keys.sorted().map { name in
            let size = files[name]?.count ?? 0
            var entry: [String: JSONValue] = ["type": .string("file"), "path": .string(name), "size": .int(size)]
            if name.hasSuffix(".safetensors") {
                entry["lfs"] = .object(["oid": .string(SHA256.hex(files[name] ?? Data())), "size": .int(size)])
            }
            return .object(entry)
        }
        return JSONValue.array(entries).serializedData()
    }

    /// The two Hub calls the snapshot makes: the tree listing and `resolve`.
    static func respond(_ request: FlyingFox.HTTPRequest, files: [String: Data], listing: Data) -> FlyingFox.HTTPResponse {
        let path = request.target.path(percentEncoded: false)
        if path == "/api/models/\(id)/tree/\(commit)" {
            return FlyingFox.HTTPResponse(statusCode: .ok, body: listing)
        }
        let prefix = "/\(id)/resolve/\(commit)/"
        if path.hasPrefix(prefix), let data = files[String(path.dropFirst(prefix.count))] {
            return FlyingFox.HTTPResponse(statusCode: .ok, body: data)
        }
        return FlyingFox.HTTPResponse(statusCode: .notFound)
    }
}

struct HubModelBenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
