import Foundation
import Testing
@testable import ArenaRuntime

/// `harness: "lm-eval"` pins the installed lm-evaluation-harness version in the lockfile.
@Suite struct HarnessLockTests {
    static func repository() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("harness-lock-\(UUID().uuidString)")
        let experiment = """
            experiment "harness"
            let m = model("../models/m")
            let server = endpoint(url: "http://127.0.0.1:9", harness: "lm-eval")
            let data = dataset(test: "test.jsonl", train: "train.jsonl")
            evaluate(m, on: [arc_easy(dataset: data, fewshot: 0)], with: server)
            """
        try AtomicFile.write(experiment, to: root.appendingPathComponent("experiments/h.arena"))
        try AtomicFile.write("{\"hidden_size\": 8}\n", to: root.appendingPathComponent("models/m/config.json"))
        // `check` reads every row arc_easy scores, so the row has ARC's columns.
        let row = #"{"question": "Which is a star?", "choices": {"text": ["the Sun", "the Moon"], "label": ["A", "B"]}, "answerKey": "A"}"#
        for split in ["test", "train"] { try AtomicFile.write(row + "\n", to: root.appendingPathComponent("experiments/\(split).jsonl")) }
        return root
    }

    static func lock(_ root: URL, python: String, offline: Bool = false) async throws -> Lockfile {
        var service = try LockService.fromEnvironment([:])
        service.currentDirectory = root
        service.resolver.lmEval = LMEvalInstallation(python: python)
        var plan = try PlanLoader.load(path: root.appendingPathComponent("experiments/h.arena").path)
        plan.sourcePath = "experiments/h.arena"
        return try await service.lockAndLoad(plan, options: .init(offline: offline, noGit: true)).lockfile
    }

    @Test func theInstalledVersionIsPinnedAndKeptWhereLMEvalIsMissing() async throws {
        let python = try ServerFixtures.python()
        let root = try Self.repository()
        defer { try? FileManager.default.removeItem(at: root) }
        let locked = try await Self.lock(root, python: python)
        #expect(locked.engine("server")?.harnessVersion == "0.4.13")
        let text = try String(contentsOf: root.appendingPathComponent("lockfiles/h.lock"), encoding: .utf8)
        #expect(text.contains("engine.server.harness_version = \"0.4.13\""), "\(text)")
        #expect(try LockfileReader.parse(text, path: "h.lock") == locked)

        // A machine without lm-eval keeps the pin it finds in the lockfile...
        let relocked = try await Self.lock(root, python: "/bin/false")
        #expect(relocked.engine("server")?.harnessVersion == "0.4.13")

        // ...and without one, says what to install.
        try FileManager.default.removeItem(at: root.appendingPathComponent("lockfiles/h.lock"))
        await #expect(throws: LockError.harnessNotInstalled(engine: "server", python: "/bin/false")) {
            _ = try await Self.lock(root, python: "/bin/false")
        }
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("lockfiles/h.lock").path))
    }
}
