import Foundation
import Testing
@testable import ArenaRuntime

/// `HubModelSnapshot` against a loopback Hub serving the tiny model fixtures.
@Suite(.serialized) struct HubModelSnapshotTests {
    typealias F = HubModelFixtures

    static func folder(_ hub: LoopbackHub, cache: URL, id: String = "tiny-org/tiny-llama", commit: String = F.tinyCommit,
                       offline: Bool = false, token: String? = nil) async throws -> (folder: URL, files: [DataFileRecord]) {
        try await HubModelSnapshot.folder(id: id, commit: commit, store: F.store(hub, cache: cache, offline: offline, token: token))
    }

    static func expectFolder(_ folder: URL, holds files: [String: Data]) throws {
        #expect(try F.names(folder) == files.keys.sorted())
        for (name, bytes) in files {
            #expect(FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) == bytes, "\(name) differs from the served bytes")
        }
    }

    @Test func fetchesTheEngineFilesAndThenNeedsNoRequest() async throws {
        let hub = LoopbackHub(repos: [:], models: try F.models())
        try await hub.start()
        let cache = try DataFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let served = try F.tinyEngineFiles()

        let first = try await Self.folder(hub, cache: cache)
        #expect(first.folder.path == cache.appendingPathComponent("models/tiny-org--tiny-llama/\(F.tinyCommit)").path)
        try Self.expectFolder(first.folder, holds: served)
        #expect(first.files == F.expectedRecords(served, id: "tiny-org/tiny-llama", commit: F.tinyCommit))
        // The folder's files are hard links to the verified blobs, not second copies.
        for record in first.files {
            let name = String(record.path.split(separator: "/").last ?? "")
            let inFolder = try FileManager.default.attributesOfItem(atPath: first.folder.appendingPathComponent(name).path)
            let blob = try FileManager.default.attributesOfItem(atPath: cache.appendingPathComponent("blobs/sha256/\(record.sha256)").path)
            #expect(inFolder[.systemFileNumber] as? NSNumber == blob[.systemFileNumber] as? NSNumber)
        }
        let afterFirst = hub.requests
        #expect(afterFirst.filter { $0 == "/api/models/tiny-org/tiny-llama/tree/\(F.tinyCommit)" }.count > 1, "the listing is paginated")
        for name in served.keys {
            #expect(afterFirst.contains("/tiny-org/tiny-llama/resolve/\(F.tinyCommit)/\(name)"))
        }
        #expect(afterFirst.contains("/cdn/\(SHA256.hex(served["model.safetensors"] ?? Data()))"), "LFS files come through the redirect")
        #expect(!afterFirst.contains { $0.contains("pytorch_model") || $0.contains("onnx") || $0.contains("README") || $0.contains(".gitattributes") })

        let second = try await Self.folder(hub, cache: cache)
        #expect(second == first)
        #expect(hub.requests.count == afterFirst.count)

        // A folder missing a file, holding an extra one, or with a file replaced by other bytes of
        // the same size is rebuilt from the blobs, with no request.
        try FileManager.default.removeItem(at: first.folder.appendingPathComponent("tokenizer.json"))
        try Data("extra".utf8).write(to: first.folder.appendingPathComponent("stray.txt"))
        let config = first.folder.appendingPathComponent("config.json")
        let replaced = Data(repeating: 0x20, count: try #require(served["config.json"]).count)
        try FileManager.default.removeItem(at: config)
        try replaced.write(to: config)
        let rebuilt = try await Self.folder(hub, cache: cache)
        #expect(rebuilt == first)
        try Self.expectFolder(rebuilt.folder, holds: served)
        #expect(hub.requests.count == afterFirst.count)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent("models/tiny-org--tiny-llama").path)
            == [F.tinyCommit], "no temporary or set-aside folder is left")
        await hub.stop()
    }

    /// A folder file that is a copy (where hard links fail) with the right bytes is kept as it is.
    @Test func folderHoldingACopyWithTheRightBytesIsKept() async throws {
        let hub = LoopbackHub(repos: [:], models: try F.models())
        try await hub.start()
        let cache = try DataFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let first = try await Self.folder(hub, cache: cache)
        let weights = first.folder.appendingPathComponent("model.safetensors")
        let bytes = try Data(contentsOf: weights)
        try FileManager.default.removeItem(at: weights)
        try bytes.write(to: weights)
        let copyInode = try FileManager.default.attributesOfItem(atPath: weights.path)[.systemFileNumber] as? NSNumber
        let second = try await Self.folder(hub, cache: cache)
        await hub.stop()
        #expect(second == first)
        #expect(try FileManager.default.attributesOfItem(atPath: weights.path)[.systemFileNumber] as? NSNumber == copyInode)
    }

    /// Two calls at once for the same model both get the complete folder.
    @Test func concurrentCallsBothGetTheFolder() async throws {
        let hub = LoopbackHub(repos: [:], models: try F.models())
        try await hub.start()
        let cache = try DataFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        async let one = Self.folder(hub, cache: cache, id: "tiny-org/tiny-sharded", commit: F.shardedCommit)
        async let two = Self.folder(hub, cache: cache, id: "tiny-org/tiny-sharded", commit: F.shardedCommit)
        let (a, b) = try await (one, two)
        await hub.stop()
        #expect(a.files == b.files)
        #expect(a.folder.path == b.folder.path)
        try Self.expectFolder(a.folder, holds: try F.shardedEngineFiles())
        #expect(try FileManager.default.contentsOfDirectory(atPath: a.folder.deletingLastPathComponent().path) == [F.shardedCommit])
    }

    @Test func shardedModelFetchesTheIndexAndTheShardsItNames() async throws {
        let hub = LoopbackHub(repos: [:], models: try F.models())
        try await hub.start()
        let cache = try DataFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let served = try F.shardedEngineFiles()
        let loaded = try await Self.folder(hub, cache: cache, id: "tiny-org/tiny-sharded", commit: F.shardedCommit)
        await hub.stop()
        try Self.expectFolder(loaded.folder, holds: served)
        #expect(loaded.files == F.expectedRecords(served, id: "tiny-org/tiny-sharded", commit: F.shardedCommit))
        // The shards are exactly those the index names (read here with Foundation's JSON parser).
        let index = try #require(try JSONSerialization.jsonObject(with: served["model.safetensors.index.json"] ?? Data()) as? [String: Any])
        let shards = Set(try #require(index["weight_map"] as? [String: String]).values)
        #expect(shards.count == 2)
        #expect(Set(try F.names(loaded.folder).filter { $0.hasSuffix(".safetensors") }) == shards)
    }

    @Test func shardTheIndexNamesButTheRepositoryLacksIsNamed() async throws {
        let hub = LoopbackHub(repos: [:], models: try F.models())
        try await hub.start()
        let cache = try DataFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let error = await #expect(throws: HubModelError.self) {
            try await Self.folder(hub, cache: cache, id: "tiny-org/missing-shard", commit: F.shardedCommit)
        }
        await hub.stop()
        #expect(error == .missingFile(model: "tiny-org/missing-shard", commit: F.shardedCommit, path: "model-00002-of-00002.safetensors",
                                      reason: "is named in model.safetensors.index.json but is not in the repository"))
        #expect(!F.allFiles(cache).contains { $0.hasPrefix("models/") || $0.hasPrefix("index/models/") })
    }

    @Test(arguments: ["model.safetensors", "config.json"])
    func checksumMismatchIsRejectedAndNothingIsKept(damaged: String) async throws {
        let hub = LoopbackHub(repos: [:], models: try F.models())
        hub.corrupt(path: damaged)
        try await hub.start()
        let cache = try DataFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let error = await #expect(throws: HubFilesError.self) { try await Self.folder(hub, cache: cache) }
        await hub.stop()
        guard case let .checksumMismatch(address, expected, actual)? = error else {
            Issue.record("expected a checksum mismatch, got \(String(describing: error))")
            return
        }
        let good = try #require(try F.tinyEngineFiles()[damaged])
        let bad = good + Data([0x0a])
        #expect(address == "hf://tiny-org/tiny-llama@\(F.tinyCommit)/\(damaged)")
        if damaged.hasSuffix(".safetensors") {
            #expect(expected == SHA256.hex(good))
            #expect(actual == SHA256.hex(bad))
        } else {
            #expect(expected == "git blob \(LoopbackHub.gitHashObject(good))")
            #expect(actual == "git blob \(LoopbackHub.gitHashObject(bad))")
        }
        let left = F.allFiles(cache)
        #expect(!left.contains { $0.hasSuffix(SHA256.hex(bad)) || $0.hasSuffix(SHA256.hex(good)) }, "neither the bad bytes nor a blob under the expected hash is kept")
        #expect(!left.contains { $0.hasPrefix("models/") || $0.hasPrefix("index/models/") || $0.contains(".download-") })
    }

    @Test func offlineWorksFromTheCacheAndNamesWhatIsMissing() async throws {
        let hub = LoopbackHub(repos: [:], models: try F.models())
        try await hub.start()
        let cache = try DataFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        #expect(throws: HubFilesError.offlineMissing("the file list of model tiny-org/tiny-llama at \(F.tinyCommit)")) {
            try HubModelSnapshot.folder(id: "tiny-org/tiny-llama", commit: F.tinyCommit, store: F.store(hub, cache: cache, offline: true))
        }
        #expect(hub.requests.isEmpty)
        let online = try await Self.folder(hub, cache: cache)
        await hub.stop()

        // ARENA_OFFLINE=1 with the server gone: the folder is rebuilt from the cache alone.
        try FileManager.default.removeItem(at: online.folder)
        let environment = ["ARENA_OFFLINE": "1", "ARENA_CACHE_DIR": cache.path, "HF_ENDPOINT": hub.endpoint, "HOME": cache.path]
        let store = HubFilesStore(configuration: .fromEnvironment(environment), client: HTTPClient(retry: .none))
        #expect(store.configuration.offline)
        let offline = try await HubModelSnapshot.folder(id: "tiny-org/tiny-llama", commit: F.tinyCommit, store: store)
        #expect(offline == online)
        try Self.expectFolder(offline.folder, holds: try F.tinyEngineFiles())

        let weights = try #require(online.files.first { $0.path.hasSuffix("/model.safetensors") })
        try FileManager.default.removeItem(at: cache.appendingPathComponent("blobs/sha256/\(weights.sha256)"))
        let error = try #require(throws: HubFilesError.self) {
            try HubModelSnapshot.folder(id: "tiny-org/tiny-llama", commit: F.tinyCommit, store: store)
        }
        #expect(error == .offlineMissing("file hf://tiny-org/tiny-llama@\(F.tinyCommit)/model.safetensors (sha256 \(weights.sha256))"))
        #expect(error.description.hasPrefix("offline mode: "))
    }

    @Test func refusedWithoutTheTokenAndServedWithIt() async throws {
        let hub = LoopbackHub(repos: [:], models: try F.models(), requiredToken: "hf_model_secret")
        try await hub.start()
        let cache = try DataFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        for token in [nil, "hf_wrong_value"] as [String?] {
            let error = await #expect(throws: HubModelError.self) { try await Self.folder(hub, cache: cache, token: token) }
            guard case let .unauthorized(model, message)? = error else {
                Issue.record("expected unauthorized, got \(String(describing: error))")
                continue
            }
            #expect(model == "tiny-org/tiny-llama")
            #expect(message.contains("HTTP 401"))
            #expect(error?.description.contains("HF_TOKEN") == true)
            #expect(error?.description.contains("hf_") == false)
        }
        let loaded = try await Self.folder(hub, cache: cache, token: "hf_model_secret")
        await hub.stop()
        try Self.expectFolder(loaded.folder, holds: try F.tinyEngineFiles())
        #expect(!F.allFiles(cache).contains { path in
            FileManager.default.contents(atPath: cache.appendingPathComponent(path).path).map { $0.range(of: Data("hf_model_secret".utf8)) != nil } ?? false
        })
    }

    @Test func unknownRepositoryOrCommitIsNotFound() async throws {
        let hub = LoopbackHub(repos: [:], models: try F.models())
        try await hub.start()
        let cache = try DataFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let unknownRepo = await #expect(throws: HubModelError.self) { try await Self.folder(hub, cache: cache, id: "tiny-org/missing") }
        let unknownCommit = await #expect(throws: HubModelError.self) { try await Self.folder(hub, cache: cache, commit: F.pickleCommit) }
        await hub.stop()
        guard case let .notFound(model, message)? = unknownRepo, case .notFound? = unknownCommit else {
            Issue.record("expected not found, got \(String(describing: unknownRepo)) and \(String(describing: unknownCommit))")
            return
        }
        #expect(model == "tiny-org/missing")
        #expect(message.contains("HTTP 404") && message.contains("Repository Not Found"))
        #expect(unknownCommit?.description.contains("Revision Not Found") == true)
        #expect(F.allFiles(cache).isEmpty)
    }

    @Test func repositoryWithOnlyPickleWeightsIsAClearError() async throws {
        let hub = LoopbackHub(repos: [:], models: try F.models())
        try await hub.start()
        let cache = try DataFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let error = await #expect(throws: HubModelError.self) {
            try await Self.folder(hub, cache: cache, id: "tiny-org/pickle-only", commit: F.pickleCommit)
        }
        await hub.stop()
        #expect(error == .noSafetensors(model: "tiny-org/pickle-only", commit: F.pickleCommit, found: ["pytorch_model.bin"]))
        #expect(error?.description.contains("only pytorch_model.bin; the native engine reads safetensors weights only") == true)
        #expect(!hub.requests.contains { $0.contains("/resolve/") }, "nothing is downloaded")
    }

    @Test func branchResolvesToItsCommitAndIsRememberedForOffline() async throws {
        let hub = LoopbackHub(repos: [:], models: try F.models())
        try await hub.start()
        let cache = try DataFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let store = F.store(hub, cache: cache)
        let commit = try await offPool { try HubModelSnapshot.commit(id: "tiny-org/tiny-llama", revision: "main", store: store) }
        #expect(commit == F.tinyCommit)
        #expect(hub.requests == ["/api/models/tiny-org/tiny-llama/revision/main"])
        #expect(try HubModelSnapshot.commit(id: "tiny-org/tiny-llama", revision: F.tinyCommit.uppercased(), store: store) == F.tinyCommit)
        let missing = await #expect(throws: HubModelError.self) {
            try await offPool { try HubModelSnapshot.commit(id: "tiny-org/missing", revision: "main", store: store) }
        }
        await hub.stop()
        #expect(missing?.description.contains("model tiny-org/missing: not found") == true)
        let offline = F.store(hub, cache: cache, offline: true)
        #expect(try HubModelSnapshot.commit(id: "tiny-org/tiny-llama", revision: "main", store: offline) == F.tinyCommit)
        #expect(throws: HubFilesError.offlineMissing("the commit of revision 'dev' of model tiny-org/tiny-llama")) {
            try HubModelSnapshot.commit(id: "tiny-org/tiny-llama", revision: "dev", store: offline)
        }
        // The dataset side keeps its own resolutions: the model's is not taken for a dataset's.
        #expect(offline.cache.resolvedRevision(kind: .dataset, repo: "tiny-org/tiny-llama", revision: "main") == nil)
    }

    @Test func badIdOrRevisionFailsBeforeAnyRequest() async throws {
        let hub = LoopbackHub(repos: [:], models: try F.models())
        try await hub.start()
        let cache = try DataFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let store = F.store(hub, cache: cache)
        #expect(throws: HubModelError.notACommit(model: "tiny-org/tiny-llama", revision: "main")) {
            try HubModelSnapshot.folder(id: "tiny-org/tiny-llama", commit: "main", store: store)
        }
        #expect(throws: HubModelError.invalidID("../escape")) {
            try HubModelSnapshot.folder(id: "../escape", commit: F.tinyCommit, store: store)
        }
        await hub.stop()
        #expect(hub.requests.isEmpty)
    }
}
