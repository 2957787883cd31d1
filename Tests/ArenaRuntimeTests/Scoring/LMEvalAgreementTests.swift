import Foundation
import Testing
@testable import ArenaRuntime

/// The acceptance test: lm-eval 0.4.13 (local-completions, remote tokenizer) and the native
/// scorer score the same documents against the same deterministic stub server; every prompt,
/// every token id sent, raw response, per-document metric and aggregate must agree. Variants with
/// a model length shorter than their prompts (the stub refuses longer requests with HTTP 400, as
/// vLLM does) check left truncation, and that each sample's `truncatedTokens` is what was cut.
@Suite(.serialized) struct LMEvalAgreementTests {
    struct Variant {
        let name: String
        let tasks: [String]
        let numFewshot: Int?
        let limit: Int
        /// lm-eval's `max_length` and the stub's max model length; nil: lm-eval's default 2048.
        var maxLength: Int? = nil
    }

    static let allTasks = TaskCatalog.taskNames
    static let variants: [Variant] = [
        Variant(name: "zero-shot", tasks: allTasks, numFewshot: 0, limit: 12),
        Variant(name: "task-defaults", tasks: ["gsm8k"], numFewshot: nil, limit: 10),
        Variant(name: "two-shot", tasks: ["arc_easy", "arc_challenge", "hellaswag", "mathqa", "drop", "truthfulqa_mc1",
                                          "truthfulqa_gen", "mmlu_abstract_algebra", "mmlu_college_mathematics"],
                numFewshot: 2, limit: 8),
        // Real 5-shot GSM8K prompts (about 900 tokens) cut to 400 - 1 - 256 tokens.
        Variant(name: "cut-gsm8k-5-shot", tasks: ["gsm8k"], numFewshot: nil, limit: 8, maxLength: 400),
        // 0-shot GSM8K questions around the 320 - 1 - 256 limit: some are cut, some fit.
        Variant(name: "cut-gsm8k-0-shot", tasks: ["gsm8k"], numFewshot: 0, limit: 24, maxLength: 320),
        // TruthfulQA's six-question preamble cut to fit 120 - 1 tokens with each answer.
        Variant(name: "cut-truthfulqa-mc", tasks: ["truthfulqa_mc1", "truthfulqa_mc2"], numFewshot: nil, limit: 8, maxLength: 120),
        // Two-shot multiple choice around 64 - 1 tokens.
        Variant(name: "cut-2-shot", tasks: ["hellaswag", "mmlu_abstract_algebra"], numFewshot: 2, limit: 8, maxLength: 64),
    ]

    /// Where each task's splits live for this run: fixtures, the shared GSM8K files, TruthfulQA converted.
    static func dataFiles(truthfulQA: URL) -> [String: [String: String]] {
        let tasks = ScoringPaths.fixtures.appendingPathComponent("tasks")
        func fixture(_ task: String, _ splits: [String]) -> [String: String] {
            Dictionary(uniqueKeysWithValues: splits.map { ($0, tasks.appendingPathComponent("\(task)/\($0).jsonl").path) })
        }
        let gsm8k = ScoringPaths.sharedData.appendingPathComponent("gsm8k")
        return [
            "arc_easy": fixture("arc_easy", ["test", "train"]),
            "arc_challenge": fixture("arc_challenge", ["test", "train"]),
            "hellaswag": fixture("hellaswag", ["validation", "train"]),
            "mathqa": fixture("mathqa", ["test", "train"]),
            "drop": fixture("drop", ["validation", "train"]),
            "mmlu_abstract_algebra": fixture("mmlu_abstract_algebra", ["test", "dev"]),
            "mmlu_college_mathematics": fixture("mmlu_college_mathematics", ["test", "dev"]),
            "gsm8k": ["test": gsm8k.appendingPathComponent("test.jsonl").path, "train": gsm8k.appendingPathComponent("train.jsonl").path],
            "truthfulqa_mc1": ["validation": truthfulQA.appendingPathComponent("multiple_choice/validation.jsonl").path],
            "truthfulqa_mc2": ["validation": truthfulQA.appendingPathComponent("multiple_choice/validation.jsonl").path],
            "truthfulqa_gen": ["validation": truthfulQA.appendingPathComponent("generation/validation.jsonl").path],
        ]
    }

    /// Runs lm-eval for every variant, each against the stub of its model length, and returns its
    /// output (see run_lm_eval.py).
    static func runLMEval(stubs: [Int: StubServerProcess], work: URL, files: [String: [String: String]]) throws -> JSONValue {
        let spec = JSONValue.object([
            "base_url": .string(try #require(stubs[0]).baseURL),
            "work_dir": .string(work.path),
            "tasks": .object(files.mapValues { .object(["data_files": .object($0.mapValues { .string($0) })]) }),
            "runs": .array(try variants.map { variant in
                .object([
                    "name": .string(variant.name), "tasks": .array(variant.tasks.map { .string($0) }),
                    "num_fewshot": variant.numFewshot.map { .int($0) } ?? .null, "limit": .int(variant.limit),
                    "base_url": .string(try #require(stubs[variant.maxLength ?? 0]).baseURL),
                    "max_length": variant.maxLength.map { .int($0) } ?? .null,
                ])
            }),
            "batch_size": .int(8), "num_concurrent": .int(4),
        ])
        let specURL = work.appendingPathComponent("spec.json")
        let outURL = work.appendingPathComponent("lm_eval_out.json")
        try spec.serializedData().write(to: specURL)
        let runner = ScoringPaths.fixtures.appendingPathComponent("scoring/run_lm_eval.py").path
        _ = try PythonPeer.run(
            "import runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')",
            arguments: [runner, specURL.path, outURL.path],
            environment: ["HF_HOME": work.appendingPathComponent("hf").path, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"]
        )
        return try JSONValue.parse(Data(contentsOf: outURL))
    }

    static func documents(for task: TaskDefinition, files: [String: [String: String]]) throws -> TaskDocuments {
        let splits = try #require(files[task.name])
        let eval = try JSONLines.read(try #require(splits[task.dataset.evalSplit]))
        let fewshot = try task.dataset.fewshotSplit.map { split in try JSONLines.read(try #require(splits[split])) } ?? []
        return TaskDocuments(eval: eval, fewshot: fewshot)
    }

    @Test func nativeScorerAgreesWithLMEval() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("arena-agreement-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let truthfulQA = work.appendingPathComponent("truthfulqa")
        _ = try PythonPeer.run(
            "import runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')",
            arguments: [ScoringPaths.fixtures.appendingPathComponent("scoring/truthfulqa_to_hub.py").path,
                        ScoringPaths.sharedData.appendingPathComponent("truthfulqa").path, truthfulQA.path]
        )
        // One stub per model length (0: none), each logging the token ids it is sent: first lm-eval's, then ours.
        var stubs: [Int: StubServerProcess] = [:]
        for length in Set(Self.variants.map { $0.maxLength ?? 0 }) {
            stubs[length] = try StubServerProcess(maxModelLength: length == 0 ? nil : length,
                                                  logFile: work.appendingPathComponent("prompts-\(length).jsonl"))
        }
        let files = Self.dataFiles(truthfulQA: truthfulQA)
        let lmEval = try Self.runLMEval(stubs: stubs, work: work, files: files)
        let lmEvalPrompts = try stubs.mapValues { try $0.loggedPrompts() }
        var report = AgreementComparison()
        var truncated: [String: Int] = [:]
        for variant in Self.variants {
            let run = try #require(lmEval["runs"]?[variant.name], "lm-eval produced no run \(variant.name)")
            let stub = try #require(stubs[variant.maxLength ?? 0])
            let engine = stub.engine()
            let scorer = TaskScorer(engine: engine)
            for name in variant.tasks {
                let task = try TaskCatalog.task(named: name)
                let options = ScoringOptions(numFewshot: variant.numFewshot, limit: variant.limit)
                let documents = try Self.documents(for: task, files: files)
                let theirs = try #require(run["samples"]?[name]?.arrayValue, "lm-eval logged no samples for \(name)")
                let label = "\(variant.name)/\(name)"
                let prepared = try TaskScorer.prepare(task: task, documents: documents, options: options)
                report.comparePrompts(label, prepared: prepared, theirs: theirs)
                let score = try await scorer.score(task: task, documents: documents, options: options)
                report.compareSamples(label, ours: score.samples, theirs: theirs)
                report.compareAggregates(label, ours: score.metrics, theirs: try #require(run["results"]?[name]))
                #expect(run["n-shot"]?[name]?.intValue == score.nShot, "\(label): n-shot")
                #expect(score.contextWindow == ContextWindow(maxLength: variant.maxLength ?? 2048, rule: .localCompletions))
                let sent = Set(try #require(lmEvalPrompts[variant.maxLength ?? 0]).compactMap { $0["prompt"]?.serialized(indent: nil) })
                truncated[label] = try await report.compareTruncation(label, ours: score.samples, lmEvalSent: sent, engine: engine)
            }
        }
        for (length, stub) in stubs.sorted(by: { $0.key < $1.key }) {
            let theirs = try #require(lmEvalPrompts[length])
            report.compareSentPrompts("max model length \(length)", ours: Array(try stub.loggedPrompts().dropFirst(theirs.count)), theirs: theirs)
        }
        #expect(report.promptsCompared > 300, "too few prompts compared: \(report.promptsCompared)")
        #expect(report.metricsCompared > 500, "too few metric values compared: \(report.metricsCompared)")
        #expect(report.sentPromptsCompared > 700, "too few token-id prompts compared: \(report.sentPromptsCompared)")
        #expect(report.mismatches.isEmpty, "\(report.mismatches.count) disagreements with lm-eval:\n\(report.mismatches.prefix(25).joined(separator: "\n"))")
        // The short variants really cut: every 5-shot GSM8K and TruthfulQA prompt, some 0-shot ones.
        #expect(truncated["cut-gsm8k-5-shot/gsm8k"] == 8)
        #expect(truncated["cut-truthfulqa-mc/truthfulqa_mc1"] == 8)
        #expect(truncated["cut-truthfulqa-mc/truthfulqa_mc2"] == 8)
        #expect((1 ..< 24).contains(truncated["cut-gsm8k-0-shot/gsm8k"] ?? 0), "0-shot GSM8K cut \(truncated["cut-gsm8k-0-shot/gsm8k"] ?? 0) of 24")
        #expect((truncated["cut-2-shot/hellaswag"] ?? 0) > 0 && (truncated["cut-2-shot/mmlu_abstract_algebra"] ?? 0) > 0,
                "2-shot cut: hellaswag \(truncated["cut-2-shot/hellaswag"] ?? 0), mmlu \(truncated["cut-2-shot/mmlu_abstract_algebra"] ?? 0) of 8")
        #expect(truncated["two-shot/hellaswag"] == 0 && truncated["task-defaults/gsm8k"] == 0)
    }
}
