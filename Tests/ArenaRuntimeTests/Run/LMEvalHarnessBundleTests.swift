import Foundation
import Testing
@testable import ArenaRuntime

/// `harness: "lm-eval"` bundles of the tasks where lm-eval and arena-script could part: DROP with
/// few-shot examples (their targets join the keys of the `answer` struct, so the rows must reach
/// lm-eval in the data's key order) and truthfulqa_mc2 (lm-eval's per-document values differ from
/// arena-script's computation in the last bit). The real lm-eval 0.4.13 runs them, and the bundle
/// verifies.
@Suite(.serialized) struct LMEvalHarnessBundleTests {
    static let fixtures = EndpointRunTests.repositoryRoot.appendingPathComponent("Tests/Fixtures")

    static func makeRepository() throws -> URL {
        let standIn = ServerFixtures.binDirectory.appendingPathComponent("vllm").path
        let root = try EndpointRunTests.makeRepository(experiment: """
            experiment "harness-bundle"
            let tiny = model("../models/tiny-llama")
            let engine = vllm(command: "\(standIn) serve", harness: "lm-eval", concurrency: 4, batch_size: 4)
            let tqa = dataset(validation: "data/truthfulqa_mc.jsonl")
            let passages = dataset(validation: "data/drop_validation.jsonl", train: "data/drop_train.jsonl")
            evaluate(tiny, on: [truthfulqa_mc2(dataset: tqa), drop(dataset: passages, fewshot: 2, generation: ["max_gen_toks": 8])], with: engine)
            """)
        let data = root.appendingPathComponent("experiments/data")
        let questions = try JSONValue.parse(Data(contentsOf: fixtures.appendingPathComponent("data/parquet/truthfulqa_mc_none_plain_v1.json")))
        // The questions given whole (the fixture also holds nulls, for the Parquet reader).
        let complete = (questions.arrayValue ?? []).filter { row in
            row["question"]?.stringValue != nil && ["mc1_targets", "mc2_targets"].allSatisfy { targets in
                guard let labels = row[targets]?["labels"]?.arrayValue, let choices = row[targets]?["choices"]?.arrayValue else { return false }
                return !labels.isEmpty && labels.count == choices.count && labels.allSatisfy { $0.intValue != nil } && choices.allSatisfy { $0.stringValue != nil }
            }
        }
        try AtomicFile.write(complete.map { $0.serialized(indent: nil) + "\n" }.joined(),
                             to: data.appendingPathComponent("truthfulqa_mc.jsonl"))
        for split in ["train", "validation"] {
            try FileManager.default.copyItem(at: fixtures.appendingPathComponent("tasks/drop/\(split).jsonl"),
                                             to: data.appendingPathComponent("drop_\(split).jsonl"))
        }
        return root
    }

    @Test func dropWithFewShotAndTruthfulQAMC2RunThroughLMEvalAndVerify() async throws {
        let python = try ServerFixtures.python()
        _ = try ResumeAfterKillTests.arenaScript()
        let root = try Self.makeRepository()
        defer { try? FileManager.default.removeItem(at: root) }
        let outcome = try await LMEvalDelegationRunTests.runner(root: root, python: python)
            .run(path: "experiments/run.arena", options: .init(noGit: true))
        let contents = try BundleReader.read(outcome.bundle)
        #expect(contents.tasks.map(\.task) == ["drop", "truthfulqa_mc2"])
        #expect(contents.tasks.map(\.effectiveCount) == [5, 5])
        // The few-shot targets lm-eval rendered are the Hub struct's keys in its order.
        let prompt = try #require(contents.tasks.first?.samples.first?["arguments"]?.arrayValue?.first?.arrayValue?.first?.stringValue)
        #expect(prompt.contains("?number,date,spans\n\n") && !prompt.contains("date,number,spans"), "\(prompt)")
        let report = try await BundleVerifier.verify(lockfile: root.appendingPathComponent("lockfiles/run.lock").path, bundle: outcome.bundle)
        #expect(report.differences == [])
        #expect(report.checks.contains { $0.hasPrefix("re-derivation: documents, prompts, targets and request hashes of tiny/drop, tiny/truthfulqa_mc2") })
    }
}
