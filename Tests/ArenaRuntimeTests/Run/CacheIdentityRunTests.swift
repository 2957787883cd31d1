import Foundation
import Testing
@testable import ArenaRuntime

/// The request cache is keyed by what pins a model's weights, not by its name: new weights in the
/// same folder are never answered from the old weights' cached responses.
@Suite(.serialized) struct CacheIdentityRunTests {
    func experiment(engineLine: String) -> String {
        """
        experiment "cache-identity"
        let tiny = model("../models/tiny-llama", served_name: "tiny-llama")
        \(engineLine)
        let science = dataset(test: "data/science_qa_test.jsonl", train: "data/science_qa_train.jsonl")
        let math = dataset(test: "data/word_math_test.jsonl", train: "data/word_math_train.jsonl")
        evaluate(tiny, on: [arc_easy(dataset: science, limit: 6), gsm8k(dataset: math, fewshot: 0, limit: 2)], with: engine)
        """
    }

    /// Serves the repository's tiny model with `arena-script serve`'s server and points the
    /// experiment at it.
    func serve(_ root: URL) async throws -> CompletionServer {
        let served = try ServedModel.native(folder: root.appendingPathComponent("models/tiny-llama"), name: "tiny-llama", threads: 1)
        let server = try CompletionServer(served: served, port: 0)
        let port = try await server.start()
        try AtomicFile.write(experiment(engineLine: "let engine = endpoint(url: \"http://127.0.0.1:\(port)\")"),
                             to: root.appendingPathComponent("experiments/run.arena"))
        return server
    }

    /// "Retrains" the model: every weight of `lm_head.weight` changes sign, in place.
    func retrain(_ folder: URL) throws {
        let file = folder.appendingPathComponent("model.safetensors")
        var bytes = [UInt8](try Data(contentsOf: file))
        let headerLength = bytes[0..<8].enumerated().reduce(0) { $0 | (Int($1.element) << (8 * $1.offset)) }
        let header = try JSONValue.parse(Data(bytes[8..<(8 + headerLength)]))
        let list = header["lm_head.weight"]?["data_offsets"]?.arrayValue ?? []
        let offsets = list.compactMap(\.intValue)
        try #require(offsets.count == 2)
        #expect(header["lm_head.weight"]?["dtype"]?.stringValue == "F32")
        // Little-endian float32: the sign bit is the top bit of the last byte of each value.
        for start in stride(from: 8 + headerLength + offsets[0], to: 8 + headerLength + offsets[1], by: 4) { bytes[start + 3] ^= 0x80 }
        try Data(bytes).write(to: file)
    }

    @Test func newWeightsInTheSameFolderAreNeverAnsweredFromTheCache() async throws {
        let root = try EndpointRunTests.makeRepository(experiment: experiment(engineLine: "let engine = native(threads: 1)"))
        let cacheRoot = root.appendingPathComponent("request-cache")
        defer { try? FileManager.default.removeItem(at: root) }

        let first = try await serve(root)
        let before = try await EndpointRunTests.run(root, cacheRoot: cacheRoot)
        await first.stop()
        let scopesBefore = try RequestCache.scopes(root: cacheRoot)
        #expect(scopesBefore.count == 1)
        let answered = try #require(scopesBefore.first?.records)
        #expect(answered > 0)

        // New weights in the same folder, the server restarted, the experiment run again.
        try retrain(root.appendingPathComponent("models/tiny-llama"))
        let second = try await serve(root)
        let after = try await EndpointRunTests.run(root, cacheRoot: cacheRoot)
        await second.stop()

        // Every request was sent again, into a scope of its own: not one answer came from the old weights.
        let scopesAfter = try RequestCache.scopes(root: cacheRoot)
        #expect(scopesAfter.count == 2)
        #expect(scopesAfter.map(\.records) == [answered, answered])
        #expect(Set(scopesAfter.map(\.scope.model)).count == 2)
        #expect(scopesAfter.allSatisfy { $0.scope.model.hasPrefix("../models/tiny-llama@sha256:") })
        // The numbers are the new model's: they differ from the old ones and equal the native engine's on the new weights.
        #expect(before.tasks[0].samples.map { $0["resps"] } != after.tasks[0].samples.map { $0["resps"] })
        try AtomicFile.write(experiment(engineLine: "let engine = native(threads: 1)"), to: root.appendingPathComponent("experiments/run.arena"))
        let native = try await EndpointRunTests.run(root, cacheRoot: nil)
        for (a, b) in zip(after.tasks, native.tasks) {
            #expect(a.perDocument(a.primaryMetric) == b.perDocument(b.primaryMetric), "\(a.task)")
            #expect(a.samples.map { $0["arguments"] } == b.samples.map { $0["arguments"] }, "\(a.task)")
        }

        // `cache clear --model` takes every name a user writes for the model.
        let absolute = root.appendingPathComponent("models/tiny-llama").standardizedFileURL.path
        #expect(scopesAfter.allSatisfy { Set(["tiny", "../models/tiny-llama", absolute, "tiny-llama"]).isSubset(of: $0.scope.names) })
        for name in ["tiny", "../models/tiny-llama", absolute, "tiny-llama"] {
            let copy = root.appendingPathComponent("cache-\(UUID().uuidString)")
            try FileManager.default.copyItem(at: cacheRoot, to: copy)
            #expect(try RequestCache.clear(root: copy, model: name) == 2, "\(name)")
            #expect(try RequestCache.scopes(root: copy).isEmpty, "\(name)")
        }

        // The same through the command line.
        let binary = try ResumeAfterKillTests.arenaScript()
        let info = try Self.capture(binary, ["cache", "info", "--cache-dir", cacheRoot.path])
        #expect(info.contains("names: ../models/tiny-llama, \(absolute), tiny, tiny-llama"), "\(info)")
        let cleared = try Self.capture(binary, ["cache", "clear", "--cache-dir", cacheRoot.path, "--model", "tiny"])
        #expect(cleared.contains("removed 2 model/engine scope(s)"), "\(cleared)")
    }

    /// A Hub model's scope is cleared by its Hub id and by its binding name.
    @Test(arguments: ["org/base-model", "base", "org/base-model@0123456789abcdef0123456789abcdef01234567"])
    func aHubModelsScopeIsClearedByTheNamesAUserWrites(name: String) throws {
        let root = try ServerFixtures.temporaryDirectory("hub-names")
        defer { try? FileManager.default.removeItem(at: root) }
        let model = ModelSpec(key: "base", id: "org/base-model", revision: "0123456789abcdef0123456789abcdef01234567")
        let identity = EngineIdentity(kind: "vllm", version: "sha256:ab 0.8.5", model: "\(model.id)@\(model.revision)")
        _ = try ServerEngines.cache(root: root, identity: identity, names: ServerEngines.cacheNames(model: model, resolvedPath: nil, served: model.id))
        let other = EngineIdentity(kind: "vllm", version: "sha256:ab 0.8.5", model: "org/base-model-large@0123")
        _ = try ServerEngines.cache(root: root, identity: other, names: ["large"])
        #expect(try RequestCache.clear(root: root, model: name) == 1)
        #expect(try RequestCache.scopes(root: root).map(\.scope.model) == ["org/base-model-large@0123"])
    }

    static func capture(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
