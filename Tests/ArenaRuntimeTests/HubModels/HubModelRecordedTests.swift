import Foundation
import Testing
@testable import ArenaRuntime

/// `HubModelSnapshot.folder(recorded:store:)`: the folder for the model files a lockfile recorded.
@Suite(.serialized) struct HubModelRecordedTests {
    typealias F = HubModelFixtures

    @Test func recordedFilesRebuildTheFolderOfflineAndAMissingBlobIsNamed() async throws {
        let hub = LoopbackHub(repos: [:], models: try F.models())
        try await hub.start()
        let cache = try DataFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let loaded = try await HubModelSnapshot.folder(id: "tiny-org/tiny-sharded", commit: F.shardedCommit, store: F.store(hub, cache: cache))
        let requests = hub.requests.count
        try FileManager.default.removeItem(at: loaded.folder)

        let offline = F.store(hub, cache: cache, offline: true)
        let folder = try HubModelSnapshot.folder(recorded: loaded.files, store: offline)
        #expect(folder.path == loaded.folder.path)
        #expect(try F.names(folder) == F.shardedEngineFiles().keys.sorted())
        for (name, bytes) in try F.shardedEngineFiles() {
            #expect(FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) == bytes)
        }
        #expect(hub.requests.count == requests)

        // A blob gone: offline names the file; online fetches it again at the recorded commit.
        let shard = try #require(loaded.files.first { $0.path.hasSuffix("model-00002-of-00002.safetensors") })
        try FileManager.default.removeItem(at: cache.appendingPathComponent("blobs/sha256/\(shard.sha256)"))
        #expect(throws: HubFilesError.offlineMissing("file \(shard.path) (sha256 \(shard.sha256))")) {
            try HubModelSnapshot.folder(recorded: loaded.files, store: offline)
        }
        let online = F.store(hub, cache: cache)
        let refetched = try await offPool { try HubModelSnapshot.folder(recorded: loaded.files, store: online) }
        #expect(hub.requests.contains("/tiny-org/tiny-sharded/resolve/\(F.shardedCommit)/model-00002-of-00002.safetensors"))
        #expect(FileManager.default.contents(atPath: refetched.appendingPathComponent("model-00002-of-00002.safetensors").path)
            == (try F.shardedEngineFiles())["model-00002-of-00002.safetensors"])

        // A record the model does not match is refused, naming both hashes.
        let fake = String(repeating: "0", count: 64)
        let altered = [DataFileRecord(path: loaded.files[0].path, sha256: fake, size: loaded.files[0].size)] + loaded.files.dropFirst()
        let error = try await #require(throws: HubModelError.self) {
            try await offPool { try HubModelSnapshot.folder(recorded: altered, store: online) }
        }
        await hub.stop()
        #expect(error == .recordMismatch(path: loaded.files[0].path, recorded: "\(fake) (\(loaded.files[0].size) bytes)",
                                         actual: "\(loaded.files[0].sha256) (\(loaded.files[0].size) bytes)"))
    }

    /// The hash from the records equals coreutils' `sha256sum * | LC_ALL=C sort | sha256sum` over
    /// the folder, which is the native engine's folder hash format.
    @Test func folderHashFromTheRecordsMatchesSha256sumOfTheFolder() async throws {
        let hub = LoopbackHub(repos: [:], models: try F.models())
        try await hub.start()
        let cache = try DataFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let loaded = try await HubModelSnapshot.folder(id: "tiny-org/tiny-sharded", commit: F.shardedCommit, store: F.store(hub, cache: cache))
        await hub.stop()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "sha256sum * | LC_ALL=C sort | sha256sum"]
        process.currentDirectoryURL = loaded.folder
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let expected = try #require(text.split(separator: " ").first.map(String.init))
        #expect(expected.count == 64)
        #expect(HubModelSnapshot.folderHash(loaded.files) == expected)
    }

    @Test(arguments: [
        ("datasets/x@\(String(repeating: "a", count: 40))/config.json", "is not an hf://<id>@<commit>/<file> address"),
        ("hf://o/m@\(String(repeating: "a", count: 40))", "is not an hf://<id>@<commit>/<file> address"),
        ("hf://o/m@main/config.json", "names no 40-hex commit"),
        ("hf://o/../m@\(String(repeating: "a", count: 40))/config.json", "names no valid model id"),
        ("hf://o/m@\(String(repeating: "a", count: 40))/onnx/model.onnx", "names no file at the repository's root"),
        ("hf://o/m@\(String(repeating: "a", count: 40))/", "names no file at the repository's root"),
    ])
    func malformedRecordIsRefused(path: String, reason: String) throws {
        let store = HubFilesStore(configuration: HubFilesConfiguration(auth: HubAuth(endpoint: "http://127.0.0.1:9"),
                                                                       cacheDirectory: FileManager.default.temporaryDirectory, offline: true))
        #expect(throws: HubModelError.invalidRecord(path: path, reason: reason)) {
            try HubModelSnapshot.folder(recorded: [DataFileRecord(path: path, sha256: String(repeating: "0", count: 64), size: 1)], store: store)
        }
    }

    @Test func filesOfTwoModelsInOneRecordAreRefused() throws {
        let commit = String(repeating: "a", count: 40)
        let store = HubFilesStore(configuration: HubFilesConfiguration(auth: HubAuth(endpoint: "http://127.0.0.1:9"),
                                                                       cacheDirectory: FileManager.default.temporaryDirectory, offline: true))
        let files = [DataFileRecord(path: "hf://o/a@\(commit)/config.json", sha256: "00", size: 1),
                     DataFileRecord(path: "hf://o/b@\(commit)/tokenizer.json", sha256: "00", size: 1)]
        #expect(throws: HubModelError.invalidRecord(path: "hf://o/b@\(commit)/tokenizer.json", reason: "is not a file of o/a at \(commit), as hf://o/a@\(commit)/config.json is")) {
            try HubModelSnapshot.folder(recorded: files, store: store)
        }
    }
}
