import Foundation
@testable import ArenaRuntime

/// The tiny model fixtures and the loopback Hub repositories that serve them.
enum HubModelFixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/hubmodels")

    static let tinyCommit = "3f0c6e1d2b4a59687a6b5c4d3e2f1a0b9c8d7e6f"
    static let shardedCommit = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"
    static let pickleCommit = "0123456789abcdef0123456789abcdef01234567"

    /// The files of a fixture folder, by name.
    static func folder(_ name: String) throws -> [String: Data] {
        let url = directory.appendingPathComponent(name)
        var files: [String: Data] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: url.path) where !file.hasPrefix(".") {
            files[file] = try Data(contentsOf: url.appendingPathComponent(file))
        }
        return files
    }

    /// The files the native engine reads from `tiny/`, as served.
    static func tinyEngineFiles() throws -> [String: Data] { try folder("tiny") }

    /// `tiny-sharded/` plus the tokenizer files of `tiny/`.
    static func shardedEngineFiles() throws -> [String: Data] {
        let tiny = try folder("tiny")
        var files = try folder("tiny-sharded")
        files["tokenizer.json"] = tiny["tokenizer.json"]
        files["tokenizer_config.json"] = tiny["tokenizer_config.json"]
        return files
    }

    static func models() throws -> [String: LoopbackHub.Repo] {
        var tiny = try tinyEngineFiles()
        // Files a real repository has beside the ones the engine reads; none may be fetched.
        tiny["pytorch_model.bin"] = Data("not a checkpoint".utf8)
        tiny["onnx/model.onnx"] = Data("not an onnx graph".utf8)
        tiny["README.md"] = Data("# tiny\n".utf8)
        tiny[".gitattributes"] = Data("*.safetensors filter=lfs diff=lfs merge=lfs -text\n".utf8)
        let base = try tinyEngineFiles()
        let pickleOnly: [String: Data] = [
            "config.json": base["config.json"] ?? Data(), "tokenizer.json": base["tokenizer.json"] ?? Data(),
            "pytorch_model.bin": Data("not a checkpoint".utf8),
        ]
        var missingShard = try shardedEngineFiles()
        missingShard["model-00002-of-00002.safetensors"] = nil
        return [
            "tiny-org/missing-shard": LoopbackHub.Repo(commits: [shardedCommit: missingShard]),
            "tiny-org/tiny-llama": LoopbackHub.Repo(commits: [tinyCommit: tiny], branches: ["main": tinyCommit]),
            "tiny-org/tiny-sharded": LoopbackHub.Repo(commits: [shardedCommit: try shardedEngineFiles()]),
            "tiny-org/pickle-only": LoopbackHub.Repo(commits: [pickleCommit: pickleOnly]),
        ]
    }

    static func store(_ hub: LoopbackHub, cache: URL, offline: Bool = false, token: String? = nil) -> HubFilesStore {
        HubFilesStore(configuration: HubFilesConfiguration(auth: HubAuth(endpoint: hub.endpoint, token: token), cacheDirectory: cache, offline: offline),
                      client: HTTPClient(retry: .none))
    }

    /// Every regular file under `root`, relative, sorted (hidden ones included).
    static func allFiles(_ root: URL) -> [String] {
        (FileManager.default.enumerator(atPath: root.path)?.allObjects as? [String] ?? []).filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }.sorted()
    }

    /// The non-hidden entries of a folder, sorted.
    static func names(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }.sorted()
    }

    /// The records a folder of these files must produce: `hf://<id>@<commit>/<name>`, with the
    /// sha256 and size of the served bytes, sorted by name.
    static func expectedRecords(_ files: [String: Data], id: String, commit: String) -> [DataFileRecord] {
        files.keys.sorted().map { DataFileRecord(path: "hf://\(id)@\(commit)/\($0)", sha256: SHA256.hex(files[$0] ?? Data()), size: files[$0]?.count ?? -1) }
    }
}
