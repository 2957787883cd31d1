import ArenaScript
import Foundation
import Testing
@testable import ArenaRuntime

/// Every engine kind × every precision and generation setting docs/language.md lists, and both
/// harnesses: `check` accepts it exactly when `run` executes it. Accepted values run for real where
/// a real peer is at hand (the native engine; `arena-script serve` behind the vLLM and SGLang
/// stand-ins; the fake OpenAI server behind `endpoint`; lm-evaluation-harness); the rest are shown
/// against what `run` calls with them (the server command builder, the native engine), which read
/// the same `EngineCapabilities` as `check`.
@Suite(.serialized) struct EngineFactsAgreementTests {
    static let facts = Result { try DocumentedFacts.read() }

    func errors(_ source: String) -> [String] {
        PlanLoader.check(source: source, path: DocumentedValuesRepository.root.appendingPathComponent("experiments/run.arena").path)
            .diagnostics.filter { $0.severity == .error }.map(\.message)
    }

    func engineLine(_ kind: EngineKind, _ extra: String) -> String {
        switch kind {
        case .vllm, .sglang: "\(kind.rawValue)(command: \"serve\"\(extra))"
        case .endpoint: "endpoint(url: \"http://127.0.0.1:9/v1\"\(extra))"
        case .native: "native(\(extra.dropFirst(2)))"
        }
    }

    /// Names the servers have no flag for, aliases and other spellings.
    static let undocumentedPrecisions = ["int8", "int4", "fp4", "nf4", "float16", "bfloat16", "half", "AWQ", "BF16"]

    @Test(arguments: EngineKind.allCases)
    func everyDocumentedPrecisionChecksAndStartsAServerAndNoOtherDoes(kind: EngineKind) throws {
        let facts = try Self.facts.get()
        let documented = try #require(facts.precisions[kind.rawValue])
        for precision in documented + Self.undocumentedPrecisions {
            let source = "let e = \(engineLine(kind, ", precision: \"\(precision)\""))\nevaluate(model(\"acme/x\"), on: arc_easy, with: e)"
            let problems = errors(source)
            guard kind.startsServer else {
                #expect(documented.isEmpty)
                #expect(problems == ["\(kind.rawValue) has no parameter 'precision'"], "\(kind) \(precision)")
                continue
            }
            let spec = EngineSpec(key: "e", kind: kind, command: "serve", precision: precision)
            let build = Result {
                try ServerCommandBuilder.build(engine: spec, model: ModelSpec(key: "m", id: "acme/x", revision: String(repeating: "a", count: 40)),
                                               pins: ServerLaunchPins(modelCommit: String(repeating: "a", count: 40)), seed: 1, port: 9000,
                                               containerName: "n", hfCache: URL(fileURLWithPath: "/hf"), environment: [:])
            }
            if documented.contains(precision) {
                #expect(problems.isEmpty, "\(kind) \(precision): \(problems)")
                // The server gets the arguments the docs give the precision.
                let arguments = try build.get().arguments.joined(separator: " ")
                let expected = try #require(facts.precisionArguments[kind.rawValue]?[precision])
                #expect(arguments.contains(expected), "\(kind) \(precision): \(arguments)")
            } else {
                #expect(problems == ["unknown precision \"\(precision)\" for \(kind.rawValue)"], "\(kind) \(precision)")
                #expect(throws: ServerCommandError.unknownPrecision(engine: "e", precision: precision)) { try build.get() }
            }
        }
    }

    /// One sample value per documented generation setting, and greedy decoding.
    static let sampleValues: [(String, Double)] = [("max_gen_toks", 4), ("temperature", 0), ("temperature", 0.5), ("top_k", 5), ("top_p", 0.9)]

    /// `check` accepts a generation setting on an engine exactly when the engine decodes with it;
    /// for `native`, the engine itself refuses the same request.
    @Test(arguments: EngineKind.allCases)
    func generationSettingsAreAcceptedExactlyWhenTheEngineDecodesWithThem(kind: EngineKind) async throws {
        let facts = try Self.facts.get()
        #expect(Set(Self.sampleValues.map(\.0)) == Set(facts.generationSettings))
        let engine = kind == .native ? try NativeEngine(folder: DocumentedValuesRepository.root.appendingPathComponent("models/tiny-llama"), threads: 1) : nil
        let gsm8k = try TaskCatalog.task(named: "gsm8k")
        for (setting, value) in Self.sampleValues {
            let source = "let e = \(engineLine(kind, ""))\nevaluate(model(\"acme/x\"), on: gsm8k(generation: [\(setting): \(Value.format(value))]), with: e)"
            let problems = errors(source)
            let settings = try #require(gsm8k.generation?.applying([setting: value]))
            let refusal = kind.capabilities.sampling.problem(settings)
            #expect(problems == (refusal.map { ["gsm8k on 'e': the \(kind.rawValue) engine \($0)"] } ?? []), "\(kind) \(setting) \(value)")
            guard let engine else { continue }
            let request = GenerationRequest(prompt: "Question: 1 + 1?\nAnswer:", until: settings.until, maxTokens: settings.maxGenToks ?? 4,
                                            temperature: settings.temperature ?? 0, topK: settings.topK, topP: settings.topP)
            do {
                let generated = try await engine.generate([request])
                #expect(problems.isEmpty && generated.count == 1, "\(setting) \(value): the native engine ran what check refused")
            } catch let error as NativeEngineError {
                #expect(error == .samplingNotSupported(reason: refusal ?? ""), "\(setting) \(value)")
                #expect(!problems.isEmpty, "\(setting) \(value): check accepted what the native engine refuses")
            }
        }
    }

    /// The accepted settings run for real: sampling against the fake OpenAI server (`endpoint`)
    /// and `arena-script serve` behind the vLLM and SGLang stand-ins (with a documented precision),
    /// greedy on `native`.
    @Test func acceptedSettingsRunOnEveryEngineKind() async throws {
        _ = try ResumeAfterKillTests.arenaScript()
        let server = try FakeServer(model: "tiny-llama")
        defer { server.stop() }
        let vllm = ServerFixtures.binDirectory.appendingPathComponent("vllm").path
        let sglang = ServerFixtures.binDirectory.appendingPathComponent("python3").path
        let source = """
            experiment "engines"
            let a = model("../models/tiny-llama")
            let b = model("../models/tiny-llama", served_name: "tiny-llama")
            let c = model("../models/tiny-llama")
            let d = model("../models/tiny-llama")
            let math = dataset(test: "data/word_math_test.jsonl")
            evaluate(a, on: gsm8k(dataset: math, fewshot: 0, limit: 2, generation: [max_gen_toks: 4, temperature: 0]), with: native(threads: 1))
            evaluate(b, on: gsm8k(dataset: math, fewshot: 0, limit: 2, generation: [max_gen_toks: 4, temperature: 0.5, top_k: 5, top_p: 0.9]),
                     with: endpoint(url: "\(server.baseURL)/v1"))
            evaluate(c, on: gsm8k(dataset: math, fewshot: 0, limit: 2, generation: [max_gen_toks: 4, temperature: 0.5]),
                     with: vllm(command: "\(vllm) serve", precision: "bf16"))
            evaluate(d, on: gsm8k(dataset: math, fewshot: 0, limit: 2, generation: [max_gen_toks: 4, temperature: 0.5]),
                     with: sglang(command: "\(sglang) -m sglang.launch_server", precision: "fp16"))
            """
        let root = try DocumentedValuesRepository.make(experiment: source)
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(errors(source).isEmpty)
        let outcome = try await DocumentedValuesRepository.runner(root: root).run(path: "experiments/run.arena", options: .init(noGit: true))
        let bundle = try BundleReader.read(outcome.bundle)
        #expect(bundle.models.map(\.engine.kind) == ["native", "endpoint", "vllm", "sglang"])
        #expect(bundle.tasks.map(\.effectiveCount) == [2, 2, 2, 2])
    }

    /// Both documented harnesses run a 0-shot task whose dataset gives only the scored split (lm-eval
    /// opens a few-shot split even then; the eval rows stand in for it).
    @Test(arguments: ["native", "lm-eval"])
    func eachHarnessRunsAZeroShotTaskOnItsScoredSplitAlone(harness: String) async throws {
        let python = try ServerFixtures.python()
        _ = try ResumeAfterKillTests.arenaScript()
        let vllm = ServerFixtures.binDirectory.appendingPathComponent("vllm").path
        let source = """
            experiment "harness"
            let tiny = model("../models/tiny-llama")
            let science = dataset(test: "data/science_qa_test.jsonl")
            let math = dataset(test: "data/word_math_test.jsonl")
            evaluate(tiny, on: [arc_easy(dataset: science, limit: 3), gsm8k(dataset: math, fewshot: 0, limit: 2, generation: [max_gen_toks: 8])],
                     with: vllm(command: "\(vllm) serve", harness: "\(harness)"))
            """
        #expect(errors(source).isEmpty)
        let root = try DocumentedValuesRepository.make(experiment: source)
        defer { try? FileManager.default.removeItem(at: root) }
        var lock = try LockService.fromEnvironment([:])
        lock.currentDirectory = root
        lock.resolver.lmEval = LMEvalInstallation(python: python)
        let runner = ExperimentRunner(lockService: lock, engines: StandardEngineProvider(cacheRoot: nil),
                                      datasets: .fromEnvironment(offline: true), log: { _ in })
        let outcome = try await runner.run(path: "experiments/run.arena", options: .init(noGit: true))
        let bundle = try BundleReader.read(outcome.bundle)
        #expect(bundle.tasks.map(\.task) == ["arc_easy", "gsm8k"])
        #expect(bundle.tasks.map(\.nShot) == [0, 0])
        #expect(bundle.tasks.map(\.effectiveCount) == [3, 2])
    }
}
