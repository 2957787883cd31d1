import Foundation
import Testing
@testable import ArenaRuntime

/// Real 5-shot GSM8K prompts (about 1,000 tokens) on the native engine with a model of 300
/// positions: `run` warns with the count of cut documents, the bundle records the count and
/// window in results/<model>.json, each sample's `truncated_tokens` says what the model did not
/// see, the report shows the warning, and `verify` checks the rows against the count.
@Suite(.serialized) struct TruncationRunTests {
    static let positions = 300

    actor Fixture {
        static let shared = Fixture()
        private var made: (root: URL, bundle: URL, log: [String])?

        func get() async throws -> (root: URL, bundle: URL, log: [String]) {
            if let made { return made }
            let fm = FileManager.default
            let root = fm.temporaryDirectory.appendingPathComponent("truncation-\(UUID().uuidString)")
            let data = root.appendingPathComponent("experiments/data")
            try fm.createDirectory(at: data, withIntermediateDirectories: true)
            // The model: tiny-llama with max_position_embeddings 300.
            let model = try NativeTestSupport.copyModel(NativeTestSupport.tinyLlama) { $0["max_position_embeddings"] = .int(TruncationRunTests.positions) }
            try fm.createDirectory(at: root.appendingPathComponent("models"), withIntermediateDirectories: true)
            try fm.copyItem(at: model, to: root.appendingPathComponent("models/short"))
            // Real GSM8K rows; the quickstart's science questions, whose prompts fit.
            let gsm8k = ScoringPaths.sharedData.appendingPathComponent("gsm8k")
            for (split, rows) in [("test", 3), ("train", 40)] {
                let lines = try String(contentsOf: gsm8k.appendingPathComponent("\(split).jsonl"), encoding: .utf8).split(separator: "\n").prefix(rows)
                try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: data.appendingPathComponent("gsm8k_\(split).jsonl"))
            }
            for file in ["science_qa_test.jsonl", "science_qa_train.jsonl"] {
                try fm.copyItem(at: QuickstartVerifyTests.repositoryRoot.appendingPathComponent("experiments/data/\(file)"), to: data.appendingPathComponent(file))
            }
            try Data("""
            experiment "truncation"
            let short = model("../models/short")
            let cpu = native(threads: 1)
            let math = dataset(test: "data/gsm8k_test.jsonl", train: "data/gsm8k_train.jsonl")
            let science = dataset(test: "data/science_qa_test.jsonl", train: "data/science_qa_train.jsonl")
            seed 1234
            evaluate(short, on: [gsm8k(dataset: math, fewshot: 5), arc_easy(dataset: science, limit: 4)], with: cpu)

            """.utf8).write(to: root.appendingPathComponent("experiments/truncation.arena"))
            var lock = try LockService.fromEnvironment([:])
            lock.currentDirectory = root
            let lines = LogLines()
            let runner = ExperimentRunner(lockService: lock, engines: StandardEngineProvider(cacheRoot: nil), datasets: .fromEnvironment(offline: true),
                                          log: { lines.append($0) })
            let outcome = try await runner.run(path: "experiments/truncation.arena", options: .init(noGit: true))
            made = (root, outcome.bundle, lines.all)
            return made!
        }
    }

    final class LogLines: @unchecked Sendable {
        private var lines: [String] = []
        private let lock = NSLock()
        func append(_ line: String) { lock.withLock { lines.append(line) } }
        var all: [String] { lock.withLock { lines } }
    }

    static func lockfile(_ root: URL) -> String { root.appendingPathComponent("lockfiles/truncation.lock").path }

    @Test func runWarnsAndTheBundleRecordsWhatTheModelSaw() async throws {
        let (root, bundle, log) = try await Fixture.shared.get()
        let window = ContextWindow(maxLength: Self.positions, rule: .huggingFace)
        let warning = try #require(TaskTruncation(documents: 3, window: window).warning(model: "short", task: "gsm8k", of: 3))
        #expect(log.filter { $0.hasPrefix("warning: ") } == ["warning: " + warning], "\(log)")
        #expect(warning.contains("3 of 3 documents") && warning.contains("max_length 300 (lm-eval's hf rule)"))

        let results = try JSONValue.parse(Data(contentsOf: bundle.appendingPathComponent("results/short.json")))
        #expect(results["truncation"]?["gsm8k"] == .object(["truncated_documents": .int(3), "max_length": .int(300), "rule": .string("hf")]))
        #expect(results["truncation"]?["arc_easy"] == .object(["truncated_documents": .int(0), "max_length": .int(300), "rule": .string("hf")]))

        // Each gsm8k sample: the prompt's tokens less the 300 - 256 the model read.
        let tokenizer = try Tokenizer(folder: root.appendingPathComponent("models/short"))
        let rows = try JSONLines.read(bundle.appendingPathComponent("samples/short/gsm8k.jsonl").path)
        #expect(rows.count == 6)
        for row in rows {
            let prompt = try #require(row["arguments"]?[0]?[0]?.stringValue)
            let length = tokenizer.encode(prompt, addSpecialTokens: false).count
            #expect(length > 900)
            #expect(row["truncated_tokens"] == .array([.int(length - (Self.positions - 256))]))
        }
        for row in try JSONLines.read(bundle.appendingPathComponent("samples/short/arc_easy.jsonl").path) {
            let requests = try #require(row["arguments"]?.arrayValue).count
            #expect(row["truncated_tokens"] == .array(Array(repeating: .int(0), count: requests)))
        }
        let report = try String(contentsOf: bundle.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.contains(warning))
        #expect(try BundleReader.read(bundle).tasks.first { $0.task == "gsm8k" }?.truncation == TaskTruncation(documents: 3, window: window))
    }

    @Test func verifyChecksTheRecordedTruncation() async throws {
        let (root, bundle, _) = try await Fixture.shared.get()
        let clean = try await BundleVerifier.verify(lockfile: Self.lockfile(root))
        #expect(clean.differences == [])
        #expect(clean.checks.contains { $0.hasPrefix("truncation:") })

        // Edits that keep the manifest consistent: only the truncation check can see them.
        let samples = bundle.appendingPathComponent("samples/short/gsm8k.jsonl")
        let results = bundle.appendingPathComponent("results/short.json")
        let originalSamples = try Data(contentsOf: samples), originalResults = try Data(contentsOf: results)
        defer {
            try? originalSamples.write(to: samples)
            try? originalResults.write(to: results)
            try? BundleManifest.scan(root: bundle).write(to: bundle)
        }
        func verifyAfter(samples newSamples: Data, results newResults: Data) async throws -> [String] {
            try newSamples.write(to: samples)
            try newResults.write(to: results)
            try BundleManifest.scan(root: bundle).write(to: bundle)
            return try await BundleVerifier.verify(lockfile: Self.lockfile(root)).differences
        }
        let text = String(decoding: originalSamples, as: UTF8.self)
        let zeroed = try #require(text.range(of: #""truncated_tokens":\[[0-9]+\]"#, options: .regularExpression))
        let shown = text.replacingCharacters(in: zeroed, with: #""truncated_tokens":[0]"#)
        #expect(try await verifyAfter(samples: Data(shown.utf8), results: originalResults).contains {
            $0.contains("doc 0 records different truncated_tokens under different filters")
        })
        let stripped = text.replacingOccurrences(of: #","truncated_tokens":\[[0-9]+\]"#, with: "", options: .regularExpression)
        #expect(try await verifyAfter(samples: Data(stripped.utf8), results: originalResults).contains {
            $0.hasPrefix("samples/short/gsm8k.jsonl: a row without truncated_tokens")
        })
        let recount = String(decoding: originalResults, as: UTF8.self).replacingOccurrences(of: #""truncated_documents": 3"#, with: #""truncated_documents": 1"#)
        #expect(recount != String(decoding: originalResults, as: UTF8.self))
        #expect(try await verifyAfter(samples: originalSamples, results: Data(recount.utf8)) == [
            "results/short.json: gsm8k records 1 truncated documents, the samples' truncated_tokens show 3",
        ])
    }
}
