import Foundation
import Testing
@testable import ArenaRuntime

/// The Hub dataset store against a loopback Hub serving the committed fixtures.
@Suite(.serialized) struct HubDatasetTests {
    static let gsm8kCommit = "e53f048856ff4f594e959d75785d2c2d37b678ee"
    static let dropCommit = "1f7ba9fe3ba5d7fd1a2d1bb0b2f8b6a5c2c1d0e9"
    static let dropConversion = "9c3a1f2e4b5d6a7c8e9f0a1b2c3d4e5f6a7b8c9d"

    static func parquet(_ name: String) throws -> Data {
        try Data(contentsOf: DataFixtures.parquetDirectory.appendingPathComponent(name + ".parquet"))
    }

    static func expected(_ name: String) throws -> [JSONValue] {
        try expectedRows(DataFixtures.parquetDirectory.appendingPathComponent(name + ".json"))
    }

    static func repos() throws -> [String: LoopbackHub.Repo] {
        [
            "openai/gsm8k": LoopbackHub.Repo(commits: [gsm8kCommit: [
                "README.md": Data("---\nconfigs:\n- config_name: main\n---\n".utf8),
                "main/test-00000-of-00001.parquet": try parquet("gsm8k_zstd"),
                "main/train-00000-of-00001.parquet": try parquet("arc_none_plain_v1"),
                "socratic/test-00000-of-00001.parquet": try parquet("drop_snappy"),
            ]], branches: ["main": gsm8kCommit]),
            "EleutherAI/drop": LoopbackHub.Repo(
                commits: [
                    dropCommit: ["README.md": Data("# DROP\n".utf8), "drop.py": Data("# loading script\n".utf8)],
                    dropConversion: ["default/validation/0000.parquet": try parquet("drop_snappy"),
                                     "default/train/0000.parquet": try parquet("gsm8k_zstd")],
                ],
                branches: ["refs/convert/parquet": dropConversion]),
            "card/configs": LoopbackHub.Repo(commits: [gsm8kCommit: [
                "README.md": Data("---\nconfigs:\n- config_name: custom\n  data_files:\n  - split: test\n    path: files/holdout*.parquet\n---\n# Card\n".utf8),
                "files/holdout.parquet": try parquet("drop_snappy"),
                "custom/test-00000-of-00001.parquet": try parquet("gsm8k_zstd"),
            ]]),
            "script/built": LoopbackHub.Repo(
                commits: [
                    dropCommit: ["built.py": Data("# loading script\n".utf8),
                                 "data/built_val.jsonl": Data("{\"raw\": true}\n".utf8)],
                    dropConversion: ["default/validation/0000.parquet": try parquet("drop_snappy")],
                ],
                branches: ["refs/convert/parquet": dropConversion]),
            "local/jsonl-only": LoopbackHub.Repo(commits: [gsm8kCommit: [
                "data/test.jsonl": Data("{\"q\": \"one\"}\n{\"q\": \"two\"}\n".utf8),
            ]]),
        ]
    }

    static func loader(_ hub: LoopbackHub, cache: URL, offline: Bool = false, token: String? = nil) -> DatasetLoader {
        DatasetLoader(hub: HubFilesStore(
            configuration: HubFilesConfiguration(auth: HubAuth(endpoint: hub.endpoint, token: token), cacheDirectory: cache, offline: offline),
            client: HTTPClient(retry: .none)))
    }

    static func cacheFiles(_ cache: URL) -> [String] {
        (FileManager.default.enumerator(atPath: cache.path)?.allObjects as? [String] ?? [])
            .filter { path in
                var isDirectory: ObjCBool = false
                let exists = FileManager.default.fileExists(atPath: cache.appendingPathComponent(path).path, isDirectory: &isDirectory)
                return exists && !isDirectory.boolValue
            }.sorted()
    }

    @Test func downloadsVerifiesCachesAndThenNeedsNoRequest() async throws {
        let hub = LoopbackHub(repos: try Self.repos())
        try await hub.start()
        let cache = try DataFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let source = DatasetSource.hub(id: "openai/gsm8k", revision: Self.gsm8kCommit, config: "main")

        let first = try await offPool { try Self.loader(hub, cache: cache).load(source, split: "test") }
        #expect(first.rows == (try Self.expected("gsm8k_zstd")))
        let bytes = try Self.parquet("gsm8k_zstd")
        let sha = SHA256.hex(bytes)
        #expect(first.files == [DataFileRecord(path: "hf://datasets/openai/gsm8k@\(Self.gsm8kCommit)/main/test-00000-of-00001.parquet",
                                               sha256: sha, size: bytes.count)])
        #expect(FileManager.default.contents(atPath: cache.appendingPathComponent("blobs/sha256/\(sha)").path) == bytes)
        let afterFirst = hub.requests
        // The tree listing is paginated (two entries a page), so several listing requests were made.
        #expect(afterFirst.filter { $0.contains("/tree/") }.count > 1)
        #expect(afterFirst.contains { $0.hasPrefix("/datasets/openai/gsm8k/resolve/\(Self.gsm8kCommit)/main/test-00000-of-00001.parquet") })
        #expect(afterFirst.contains("/cdn/\(sha)"))
        #expect(!afterFirst.contains { $0.contains("train") || $0.contains("socratic") })

        let second = try await offPool { try Self.loader(hub, cache: cache).load(source, split: "test") }
        #expect(second == first)
        #expect(hub.requests.count == afterFirst.count)
        await hub.stop()

        // Offline, with the server gone, the same split still loads from the cache.
        let offline = try await offPool { try Self.loader(hub, cache: cache, offline: true).load(source, split: "test") }
        #expect(offline == first)
    }

    @Test func offlineFailuresNameWhatIsMissing() async throws {
        let hub = LoopbackHub(repos: try Self.repos())
        try await hub.start()
        let cache = try DataFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let source = DatasetSource.hub(id: "openai/gsm8k", revision: Self.gsm8kCommit, config: "main")
        #expect(throws: HubFilesError.offlineMissing("the file list of dataset openai/gsm8k at \(Self.gsm8kCommit), config 'main', split 'test'")) {
            try Self.loader(hub, cache: cache, offline: true).load(source, split: "test")
        }
        #expect(hub.requests.isEmpty)
        let loaded = try await offPool { try Self.loader(hub, cache: cache).load(source, split: "test") }
        await hub.stop()
        let sha = try #require(loaded.files.first?.sha256)
        try FileManager.default.removeItem(at: cache.appendingPathComponent("blobs/sha256/\(sha)"))
        let error = try #require(throws: HubFilesError.self) {
            try Self.loader(hub, cache: cache, offline: true).load(source, split: "test")
        }
        #expect(error.description.contains("hf://datasets/openai/gsm8k@\(Self.gsm8kCommit)/main/test-00000-of-00001.parquet"))
        #expect(error.description.hasPrefix("offline mode: "))
    }

    @Test func checksumMismatchIsRejectedAndNothingIsCached() async throws {
        let hub = LoopbackHub(repos: try Self.repos())
        hub.corrupt(path: "main/test-00000-of-00001.parquet")
        try await hub.start()
        let cache = try DataFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let error = await #expect(throws: HubFilesError.self) {
            try await offPool { try Self.loader(hub, cache: cache).load(.hub(id: "openai/gsm8k", revision: Self.gsm8kCommit, config: "main"), split: "test") }
        }
        await hub.stop()
        guard case let .checksumMismatch(address, expected, _)? = error else {
            Issue.record("expected a checksum mismatch, got \(String(describing: error))")
            return
        }
        #expect(address.hasSuffix("main/test-00000-of-00001.parquet"))
        #expect(expected == SHA256.hex(try Self.parquet("gsm8k_zstd")))
        #expect(Self.cacheFiles(cache).isEmpty)
    }

    @Test func datasetWithoutParquetFallsBackToTheConversionBranch() async throws {
        let hub = LoopbackHub(repos: try Self.repos())
        try await hub.start()
        let cache = try DataFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let split = try await offPool {
            try Self.loader(hub, cache: cache).load(.hub(id: "EleutherAI/drop", revision: Self.dropCommit, config: nil), split: "validation")
        }
        await hub.stop()
        #expect(split.rows == (try Self.expected("drop_snappy")))
        #expect(split.files.map(\.path) == ["hf://datasets/EleutherAI/drop@\(Self.dropConversion)/default/validation/0000.parquet"])
        #expect(hub.requests.contains("/api/datasets/EleutherAI/drop/revision/refs%2Fconvert%2Fparquet"))
        #expect(split.rows.first?["answers_spans"]?["spans"] == .array([.string("3")]))
    }

    @Test func gitStoredFilesAreCheckedAgainstTheirBlobID() async throws {
        let hub = LoopbackHub(repos: try Self.repos())
        try await hub.start()
        let cache = try DataFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let split = try await offPool {
            try Self.loader(hub, cache: cache).load(.hub(id: "local/jsonl-only", revision: Self.gsm8kCommit, config: nil), split: "test")
        }
        #expect(split.rows == [.object(["q": .string("one")]), .object(["q": .string("two")])])
        hub.corrupt(path: "data/test.jsonl")
        let other = try DataFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: other) }
        let error = await #expect(throws: HubFilesError.self) {
            try await offPool { try Self.loader(hub, cache: other).load(.hub(id: "local/jsonl-only", revision: Self.gsm8kCommit, config: nil), split: "test") }
        }
        await hub.stop()
        #expect(error?.description.contains("git blob") == true)
    }

    @Test func tokenIsSentAsBearerAndNeverShown() async throws {
        let hub = LoopbackHub(repos: try Self.repos(), requiredToken: "hf_secret_value")
        try await hub.start()
        let cache = try DataFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let source = DatasetSource.hub(id: "openai/gsm8k", revision: Self.gsm8kCommit, config: "main")
        for token in [nil, "hf_wrong_value"] as [String?] {
            let error = await #expect(throws: HubFilesError.self) {
                try await offPool { try Self.loader(hub, cache: cache, token: token).load(source, split: "test") }
            }
            guard case let .unauthorized(repo, _)? = error else {
                Issue.record("expected unauthorized, got \(String(describing: error))")
                continue
            }
            #expect(repo == "openai/gsm8k")
            #expect(error?.description.contains("HTTP 401") == true)
            #expect(error?.description.contains("hf_") == false)
        }
        let split = try await offPool { try Self.loader(hub, cache: cache, token: "hf_secret_value").load(source, split: "test") }
        await hub.stop()
        #expect(split.rows.count == 4)
        #expect(!HubAuth(endpoint: hub.endpoint, token: "hf_secret_value").description.contains("hf_secret_value"))
        #expect(!Self.cacheFiles(cache).contains { path in
            (try? String(contentsOf: cache.appendingPathComponent(path), encoding: .utf8))?.contains("hf_secret_value") == true
        })
    }

    @Test func missingSplitListsWhatIsThere() async throws {
        let hub = LoopbackHub(repos: try Self.repos())
        try await hub.start()
        let cache = try DataFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let error = await #expect(throws: HubFilesError.self) {
            try await offPool { try Self.loader(hub, cache: cache).load(.hub(id: "openai/gsm8k", revision: Self.gsm8kCommit, config: "main"), split: "validation") }
        }
        await hub.stop()
        #expect(error?.description.contains("split 'validation'") == true)
        #expect(error?.description.contains("main/test-00000-of-00001.parquet") == true)
    }
}

extension HubDatasetTests {
    /// A blob damaged on disk is noticed when read, removed, and fetched again.
    @Test func damagedBlobIsFetchedAgain() async throws {
        let hub = LoopbackHub(repos: try Self.repos())
        try await hub.start()
        let cache = try DataFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let source = DatasetSource.hub(id: "openai/gsm8k", revision: Self.gsm8kCommit, config: "main")
        let first = try await offPool { try Self.loader(hub, cache: cache).load(source, split: "test") }
        let sha = try #require(first.files.first?.sha256)
        try Data("damaged".utf8).write(to: cache.appendingPathComponent("blobs/sha256/\(sha)"))
        let downloadsBefore = hub.requests.filter { $0.contains("/resolve/") && $0.hasSuffix(".parquet") }.count
        let second = try await offPool { try Self.loader(hub, cache: cache).load(source, split: "test") }
        await hub.stop()
        #expect(second == first)
        #expect(hub.requests.filter { $0.contains("/resolve/") && $0.hasSuffix(".parquet") }.count == downloadsBefore + 1)
    }
}

extension HubDatasetTests {
    /// A card's `configs` section decides the files, over the folder-and-name rule.
    @Test func datasetCardConfigsChooseTheFiles() async throws {
        let hub = LoopbackHub(repos: try Self.repos())
        try await hub.start()
        let cache = try DataFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let split = try await offPool {
            try Self.loader(hub, cache: cache).load(.hub(id: "card/configs", revision: Self.gsm8kCommit, config: "custom"), split: "test")
        }
        await hub.stop()
        #expect(split.files.map(\.path) == ["hf://datasets/card/configs@\(Self.gsm8kCommit)/files/holdout.parquet"])
        #expect(split.rows == (try Self.expected("drop_snappy")))
    }

    /// Raw files of a dataset built by a loading script are not its rows: the conversion is read.
    @Test func loadingScriptDatasetsReadTheConversionNotRawFiles() async throws {
        let hub = LoopbackHub(repos: try Self.repos())
        try await hub.start()
        let cache = try DataFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let split = try await offPool {
            try Self.loader(hub, cache: cache).load(.hub(id: "script/built", revision: Self.dropCommit, config: nil), split: "validation")
        }
        await hub.stop()
        #expect(split.files.map(\.path) == ["hf://datasets/script/built@\(Self.dropConversion)/default/validation/0000.parquet"])
        #expect(split.rows == (try Self.expected("drop_snappy")))
    }
}

extension HubDatasetTests {
    /// A branch name is resolved to its commit, which is what is cached and recorded; offline, the
    /// last resolution is used.
    @Test func branchIsResolvedToItsCommit() async throws {
        let hub = LoopbackHub(repos: try Self.repos())
        try await hub.start()
        let cache = try DataFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let source = DatasetSource.hub(id: "openai/gsm8k", revision: "main", config: "main")
        let online = try await offPool { try Self.loader(hub, cache: cache).load(source, split: "test") }
        await hub.stop()
        #expect(online.files.map(\.path) == ["hf://datasets/openai/gsm8k@\(Self.gsm8kCommit)/main/test-00000-of-00001.parquet"])
        #expect(hub.requests.contains("/api/datasets/openai/gsm8k/revision/main"))
        let offline = try await Self.loader(hub, cache: cache, offline: true).load(source, split: "test")
        #expect(offline == online)
        #expect(throws: HubFilesError.offlineMissing("the commit of revision 'dev' of dataset openai/gsm8k")) {
            try Self.loader(hub, cache: cache, offline: true).load(.hub(id: "openai/gsm8k", revision: "dev", config: "main"), split: "test")
        }
    }
}

extension HubDatasetTests {
    /// The async entry point loads from a server running on the concurrency pool without blocking it.
    @Test func asyncLoadDoesNotBlockThePool() async throws {
        let hub = LoopbackHub(repos: try Self.repos())
        try await hub.start()
        let cache = try DataFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let loader = Self.loader(hub, cache: cache)
        async let test = loader.load(.hub(id: "openai/gsm8k", revision: Self.gsm8kCommit, config: "main"), split: "test")
        async let socratic = loader.load(.hub(id: "openai/gsm8k", revision: Self.gsm8kCommit, config: "socratic"), split: "test")
        let (a, b) = try await (test, socratic)
        await hub.stop()
        #expect(a.rows == (try Self.expected("gsm8k_zstd")))
        #expect(b.rows == (try Self.expected("drop_snappy")))
    }
}

extension HubDatasetTests {
    /// The real TruthfulQA multiple-choice targets, written by pyarrow in the Hub's layout and
    /// served by the loopback Hub, load through the whole path as pyarrow reads them.
    @Test func realTruthfulQAMultipleChoiceThroughTheHub() async throws {
        let work = try DataFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let parquet = work.appendingPathComponent("validation.parquet")
        let dumped = work.appendingPathComponent("rows.json")
        try await DataFixtures.runPython([DataFixtures.directory.appendingPathComponent("truthfulqa_to_parquet.py").path,
                                          DataFixtures.sharedData.appendingPathComponent("truthfulqa/mc_task.json").path,
                                          parquet.path, dumped.path])
        let commit = "0123456789abcdef0123456789abcdef01234567"
        let hub = LoopbackHub(repos: ["truthfulqa/truthful_qa": LoopbackHub.Repo(commits: [commit: [
            "multiple_choice/validation-00000-of-00001.parquet": try Data(contentsOf: parquet),
            "generation/validation-00000-of-00001.parquet": try Self.parquet("gsm8k_zstd"),
        ]])])
        try await hub.start()
        let cache = try DataFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let split = try await Self.loader(hub, cache: cache)
            .load(.hub(id: "truthfulqa/truthful_qa", revision: commit, config: "multiple_choice"), split: "validation")
        await hub.stop()
        let expected = try expectedRows(dumped)
        #expect(!expected.isEmpty)
        #expect(split.rows == expected)
        // TruthfulQA's mc1 lists the one true answer first.
        #expect(split.rows.allSatisfy { $0["mc1_targets"]?["labels"]?.arrayValue?.first == .int(1) })
        #expect(split.files.count == 1)
    }
}

extension HubDatasetTests {
    /// What a lockfile recorded is read back from the cache and disk with no request, and a
    /// changed local file or a missing blob is named.
    @Test func recordedFilesReloadOfflineAndChangesAreCaught() async throws {
        let hub = LoopbackHub(repos: try Self.repos())
        try await hub.start()
        let cache = try DataFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let hubSplit = try await Self.loader(hub, cache: cache)
            .load(.hub(id: "openai/gsm8k", revision: Self.gsm8kCommit, config: "main"), split: "test")
        await hub.stop()
        let requests = hub.requests.count
        let local = cache.appendingPathComponent("local.jsonl")
        try Data("{\"q\": 1}\n".utf8).write(to: local)
        let localSplit = try DatasetLoader.loadLocal(path: local.path, split: "test")

        let offline = Self.loader(hub, cache: cache, offline: true)
        let again = try offline.loadRecorded(hubSplit.files + localSplit.files)
        #expect(again.rows == hubSplit.rows + localSplit.rows)
        #expect(again.files == hubSplit.files + localSplit.files)
        #expect(hub.requests.count == requests)

        try Data("{\"q\": 2}\n".utf8).write(to: local)
        let changed = try #require(throws: DatasetLoaderError.self) { try offline.loadRecorded(localSplit.files) }
        #expect(changed.description.contains("changed since it was locked"))
        let missing = DataFileRecord(path: "hf://datasets/openai/gsm8k@\(Self.gsm8kCommit)/main/train-00000-of-00001.parquet",
                                     sha256: String(repeating: "0", count: 64), size: 1)
        #expect(throws: DatasetLoaderError.notCached(path: missing.path, sha256: missing.sha256)) { try offline.loadRecorded([missing]) }
    }
}
