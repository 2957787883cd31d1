import ArenaRuntime
import ArenaScript
import Foundation
import Testing

enum Experiments {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("experiments")
    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
}

@Suite struct PlanLoaderTests {
    func plan(_ source: String) throws -> ExperimentPlan {
        let result = PlanLoader.check(source: source, path: "test.arena")
        #expect(!result.hasErrors, "\(result.rendered(colour: false))")
        return try #require(result.plan)
    }

    @Test func finetuneVsBasePlansNineTasksForBothModels() throws {
        let plan = try PlanLoader.load(path: Experiments.path("finetune_vs_base.arena"))
        #expect(plan.name == "finetune-vs-base")
        #expect(plan.seed == 1234)
        #expect(plan.limit == 100)
        #expect(plan.models == [
            ModelSpec(key: "base", id: "Qwen/Qwen2.5-3B-Instruct", revision: "main"),
            ModelSpec(key: "tuned", id: "unsloth/Llama-3.1-8B-Instruct", revision: "main"),
        ])
        #expect(plan.engines.count == 1)
        let engine = try #require(plan.engines.first)
        #expect(engine.key == "server")
        #expect(engine.kind == .vllm)
        #expect(engine.image == "vllm/vllm-openai:v0.8.5")
        #expect(engine.gpu == "L40S")
        #expect(engine.tensorParallel == 1)
        #expect(engine.precision == "bf16")
        #expect(plan.runs.map(\.model) == ["base", "tuned"])
        // truthfulqa is a tag: it expands to its three tasks, so nine seed tasks become eleven.
        let tasks = plan.runs[0].tasks.map(\.name)
        #expect(tasks == ["hellaswag", "arc_easy", "mathqa", "truthfulqa_gen", "truthfulqa_mc1", "truthfulqa_mc2", "drop",
                          "arc_challenge", "gsm8k", "mmlu_abstract_algebra", "mmlu_college_mathematics"])
        #expect(plan.runs[0].tasks.first { $0.name == "gsm8k" }?.fewshot == 5)
        #expect(plan.comparisons.map { [$0.baseline, $0.candidate] } == [["base", "tuned"]])
        #expect(plan.tolerance == Tolerance(absolute: 0.02, alpha: 0.05))
        #expect(plan.expectations.count == 3)
        #expect(plan.expectations[0].source == "tuned.gsm8k.exact_match >= base.gsm8k.exact_match")
        #expect(plan.expectations[0].claim == nil)
        #expect(plan.expectations[2].claim?.description == "tuned.gsm8k.exact_match − base.gsm8k.exact_match > 0")
        #expect(plan.expectations[2].claim?.confidence == 0.95)
        #expect(plan.warnings.isEmpty)
    }

    @Test func gsm8kCIPlansOneRunOnAnH100() throws {
        let plan = try PlanLoader.load(path: Experiments.path("gsm8k_ci.arena"))
        #expect(plan.models.map(\.id) == ["meta-llama/Llama-3.1-8B-Instruct"])
        #expect(plan.runs.count == 1)
        #expect(plan.runs.first?.tasks == [TaskSelection(name: "gsm8k", fewshot: 5)])
        #expect(plan.engines.first?.gpu == "H100")
        #expect(plan.engines.first?.precision == "fp16")
        #expect(plan.engines.first?.gpuMemoryFraction == 0.9)
        #expect(plan.engines.first?.concurrency == 16)
        let expectation = try #require(plan.expectations.first)
        #expect(expectation.references == [ResultReference(model: "llama", task: "gsm8k", metric: "exact_match")])
        #expect(expectation.evaluate { _ in 0.8 } == .passed)
        #expect(expectation.evaluate { _ in 0.7 } == .failed)
    }

    @Test func cellsAreTheTopLevelStatementsWithTheirComments() throws {
        let plan = try PlanLoader.load(path: Experiments.path("finetune_vs_base.arena"))
        #expect(plan.cells.map(\.kind) == ["experiment", "let", "let", "let", "let", "seed", "limit", "call", "for", "call", "expect", "expect", "expect"])
        #expect(plan.cells[0].comment?.hasPrefix("Qwen2.5-3B-Instruct against") == true)
        #expect(plan.cells[4].comment == "The nine tasks of the seed workflow; gsm8k keeps lm-eval's 5-shot default.")
        #expect(plan.cells[8].text == "for m in [base, tuned] {\n    evaluate(m, on: suite, with: server)\n}")
        #expect(plan.runs.map(\.cell) == [8, 8])
        #expect(plan.expectations.map(\.cell) == [10, 11, 12])
        #expect(plan.cells[12].comment?.hasPrefix("... and should beat it on maths by more than noise") == true)
        #expect(plan.cells[10].range.start.line == plan.expectations[0].line)
    }

    @Test func everyEngineKindAndItsSettings() throws {
        let plan = try plan("""
        let m = model("./weights/tiny", revision: "main")
        let a = sglang(command: "python -m sglang.launch_server", gpu: "h200", gpus: 4, tp: 2, precision: "fp8",
                       max_model_len: 8192, args: ["--trust-remote-code"], batch_size: 8, harness: "lm-eval")
        let b = endpoint(url: "http://127.0.0.1:8000/v1", concurrency: 4)
        let c = native(threads: 2)
        evaluate(m, on: gsm8k, with: a)
        let m2 = model("acme/x", revision: "0123456789abcdef0123456789abcdef01234567")
        let m3 = model("acme/x")
        evaluate(m2, on: [arc_easy(limit: 10)], with: b)
        evaluate(m3, on: mmlu_abstract_algebra(fewshot: 5), with: c)
        """)
        #expect(plan.models.map(\.isLocalPath) == [true, false, false])
        #expect(plan.models[1].revision == "0123456789abcdef0123456789abcdef01234567")
        #expect(plan.engines.map(\.kind) == [.sglang, .endpoint, .native])
        #expect(plan.engines[0] == EngineSpec(key: "a", kind: .sglang, command: "python -m sglang.launch_server", gpu: "H200",
                                              gpuCount: 4, tensorParallel: 2, precision: "fp8", maxModelLength: 8192,
                                              extraArgs: ["--trust-remote-code"], batchSize: 8, harness: "lm-eval"))
        #expect(plan.engines[1].url == "http://127.0.0.1:8000/v1")
        #expect(plan.engines[2].threads == 2)
        #expect(plan.runs[1].tasks == [TaskSelection(name: "arc_easy", limit: 10)])
        // A revision on a local folder means nothing: a warning, kept with the plan.
        #expect(plan.warnings.map(\.line) == [1])
    }

    @Test func withoutAnEngineRunsOnTheNativeOneAndTheNameComesFromTheFile() throws {
        let result = PlanLoader.check(source: "let m = model(\"acme/x\")\nevaluate(m, on: hellaswag)", path: "dir/quick_look.arena")
        let plan = try #require(result.plan)
        #expect(plan.name == "quick_look")
        #expect(plan.engines == [EngineSpec(key: "native", kind: .native)])
        #expect(plan.runs.first?.engine == "native")
        #expect(plan.seed == 1234)
        #expect(plan.limit == nil)
    }

    @Test func localDatasetsAndGenerationSettingsReachTheTasks() throws {
        let plan = try plan("""
        let m = model("acme/x")
        let data = dataset(test: "../shared/data/gsm8k/test.jsonl", train: "../shared/data/gsm8k/train.jsonl")
        let hub = dataset(hub: "openai/gsm8k", config: "main")
        let n = model("acme/y")
        evaluate(m, on: gsm8k(dataset: data, generation: [max_gen_toks: 128, temperature: 0]))
        evaluate(n, on: gsm8k(dataset: hub, fewshot: 0))
        """)
        #expect(plan.datasets == [
            DatasetSpec(key: "data", id: "../shared/data/gsm8k/test.jsonl", isLocalPath: true,
                        files: ["test": "../shared/data/gsm8k/test.jsonl", "train": "../shared/data/gsm8k/train.jsonl"]),
            DatasetSpec(key: "hub", id: "openai/gsm8k", config: "main", isLocalPath: false),
        ])
        #expect(plan.runs[0].tasks == [TaskSelection(name: "gsm8k", dataset: "data", generation: ["max_gen_toks": 128, "temperature": 0])])
        #expect(plan.runs[1].tasks.first?.dataset == "hub")
    }

    @Test func aFileThatCannotBeReadIsOneError() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString).arena").path
        #expect(throws: PlanLoadError.self) { try PlanLoader.load(path: missing) }
        let result = PlanLoader.check(path: missing)
        #expect(result.diagnostics.map(\.message) == ["cannot read the file"])
        #expect(result.rendered(colour: false) == "\(missing):1:1: error: cannot read the file\n  hint: check that \(missing) exists and is readable\n")
    }

    @Test func loadErrorsCarryTheRenderedDiagnostics() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).arena")
        try "let m = model(\"acme/x\", revision: \"a b\")\n".write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            _ = try PlanLoader.load(path: url.path)
            Issue.record("loaded a bad file")
        } catch let error as PlanLoadError {
            #expect(error.rendered.hasPrefix("\(url.path):1:35: error: \"a b\" is not a branch, tag or commit SHA\n"))
            #expect(error.diagnostics.count == 1)
        }
    }

    @Test func theSameSourceGivesTheSamePlan() throws {
        let path = Experiments.path("finetune_vs_base.arena")
        #expect(try PlanLoader.load(path: path) == PlanLoader.load(path: path))
    }

    @Test func warningsArePlacedInTheirCells() throws {
        let plan = try plan("let base = model(\"acme/x\")\nlet spare = model(\"acme/y\")\nevaluate(base, on: gsm8k)")
        #expect(plan.warnings.map(\.message) == ["model 'spare' is never evaluated"])
        #expect(plan.warnings(inCell: 1).count == 1)
        #expect(plan.warnings(inCell: 0).isEmpty)
        #expect(plan.cellIndex(containing: 3) == 2)
    }

    @Test func metricKeysMatchLmEvalResults() {
        #expect(TaskSignatures.lmEvalKey(task: "gsm8k", metric: "exact_match") == "exact_match,strict-match")
        #expect(TaskSignatures.lmEvalKey(task: "gsm8k", metric: "exact_match_flexible") == "exact_match,flexible-extract")
        #expect(TaskSignatures.lmEvalKey(task: "gsm8k", metric: "exact_match_flexible_stderr") == "exact_match_stderr,flexible-extract")
        #expect(TaskSignatures.lmEvalKey(task: "arc_easy", metric: "acc_norm") == "acc_norm,none")
        #expect(TaskSignatures.lmEvalKey(task: "drop", metric: "f1_stderr") == "f1_stderr,none")
        #expect(TaskSignatures.lmEvalKey(task: "drop", metric: "acc") == nil)
        #expect(TaskSignatures.stderrKey(of: "exact_match,strict-match") == "exact_match_stderr,strict-match")
        #expect(TaskSignatures.stderrKey(of: "bleu_max") == "bleu_max_stderr")
        #expect(TaskSignatures.isStderrKey("acc_stderr,none") && !TaskSignatures.isStderrKey("acc,none"))
    }
}
