import Foundation
import Testing
@testable import ArenaRuntime

/// The run pipeline over an `endpoint(url:)`: `arena-script serve`'s server on loopback with a
/// tiny model, scored through the OpenAI completions client, gives the same per-document results
/// as the native engine in-process.
@Suite struct EndpointRunTests {
    static let repositoryRoot = QuickstartVerifyTests.repositoryRoot

    /// A repository with the tiny model and the quickstart data beside `experiments/run.arena`.
    static func makeRepository(experiment: String) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("run-test-\(UUID().uuidString)")
        for path in ["experiments/data", "models/tiny-llama"] {
            let target = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent(path), to: target)
        }
        try AtomicFile.write(experiment, to: root.appendingPathComponent("experiments/run.arena"))
        return root
    }

    func makeRepository(engineLine: String, extra: String = "", servedName: String? = nil) throws -> URL {
        try Self.makeRepository(experiment: """
            experiment "endpoint-run"
            let tiny = model("../models/tiny-llama"\(servedName.map { ", served_name: \"\($0)\"" } ?? ""))
            \(engineLine)
            let science = dataset(test: "data/science_qa_test.jsonl", train: "data/science_qa_train.jsonl")
            let math = dataset(test: "data/word_math_test.jsonl", train: "data/word_math_train.jsonl")
            evaluate(tiny, on: [arc_easy(dataset: science), gsm8k(dataset: math, fewshot: 0, limit: 3)], with: engine)
            \(extra)
            """)
    }

    func outcome(_ root: URL) async throws -> ExperimentRunner.Outcome {
        var lock = try LockService.fromEnvironment([:])
        lock.currentDirectory = root
        let runner = ExperimentRunner(lockService: lock, engines: StandardEngineProvider(cacheRoot: nil),
                                      datasets: .fromEnvironment(offline: true), log: { _ in })
        return try await runner.run(path: "experiments/run.arena", options: .init(noGit: true))
    }

    @Test func expectationsAreEvaluatedAndRecorded() async throws {
        let root = try makeRepository(engineLine: "let engine = native(threads: 1)",
                                      extra: "expect tiny.arc_easy.acc > 1.0\nexpect tiny.gsm8k.exact_match <= 1.0")
        let result = try await outcome(root)
        #expect(result.failedExpectations == 1)
        #expect(result.expectations.map(\.passed) == [false, true])
        #expect(result.expectations.first?.detail.hasPrefix("tiny.arc_easy.acc = ") == true)
        let recorded = try BundleReader.read(result.bundle).expectations
        #expect(recorded == result.expectations)
        let report = try String(contentsOf: result.bundle.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.contains("❌ **failed**: `expect tiny.arc_easy.acc > 1.0`"))
    }

    func run(_ root: URL) async throws -> BundleContents { try await Self.run(root, cacheRoot: nil) }

    /// Runs `experiments/run.arena` of `root` with the request cache at `cacheRoot` (none: nil),
    /// server retries within `retry`; what the run logs goes to `log`.
    static func run(_ root: URL, cacheRoot: URL?, retry: RetryPolicy = .server,
                    log: @escaping @Sendable (String) -> Void = { _ in }) async throws -> BundleContents {
        var lock = try LockService.fromEnvironment([:])
        lock.currentDirectory = root
        let runner = ExperimentRunner(lockService: lock, engines: StandardEngineProvider(cacheRoot: cacheRoot, retry: retry, log: log),
                                      datasets: .fromEnvironment(offline: true), log: log)
        let outcome = try await runner.run(path: "experiments/run.arena", options: .init(noGit: true))
        return try BundleReader.read(outcome.bundle)
    }

    @Test func endpointResultsEqualTheNativeEngines() async throws {
        let served = try ServedModel.native(folder: Self.repositoryRoot.appendingPathComponent("models/tiny-llama"), name: "tiny-llama", threads: 1)
        let server = try CompletionServer(served: served, port: 0)
        let port = try await server.start()
        defer { Task { await server.stop() } }

        let viaEndpoint = try await run(try makeRepository(engineLine: "let engine = endpoint(url: \"http://127.0.0.1:\(port)\")", servedName: "tiny-llama"))
        let inProcess = try await run(try makeRepository(engineLine: "let engine = native(threads: 1)"))

        #expect(viaEndpoint.models.first?.engine.kind == "endpoint")
        #expect(inProcess.models.first?.engine.kind == "native")
        #expect(viaEndpoint.tasks.map(\.task) == ["arc_easy", "gsm8k"])
        for (a, b) in zip(viaEndpoint.tasks, inProcess.tasks) {
            #expect(a.perDocument(a.primaryMetric) == b.perDocument(b.primaryMetric), "\(a.task)")
            // Same prompts, same generations.
            #expect(a.samples.map { $0["arguments"] } == b.samples.map { $0["arguments"] }, "\(a.task) prompts")
            if a.task == "gsm8k" {
                #expect(a.samples.map { $0["resps"] } == b.samples.map { $0["resps"] }, "gsm8k generations")
            }
        }
    }

    /// SGLang has no /tokenize: loglikelihoods are scored with the model's own tokenizer.json. Both
    /// stand-ins serve the tiny model with `arena-script serve`, so the SGLang run (local tokenizer)
    /// must give exactly what the vLLM run (the server's /tokenize) gives, and the native engine's
    /// per-document results in-process.
    @Test func sglangScoresLikelihoodsWithTheModelsOwnTokenizer() async throws {
        _ = try ResumeAfterKillTests.arenaScript()
        let sglang = ServerFixtures.binDirectory.appendingPathComponent("python3").path
        let vllm = ServerFixtures.binDirectory.appendingPathComponent("vllm").path
        let viaSGLang = try await run(try makeRepository(engineLine: "let engine = sglang(command: \"\(sglang) -m sglang.launch_server\")"))
        let viaVLLM = try await run(try makeRepository(engineLine: "let engine = vllm(command: \"\(vllm) serve\")"))
        let inProcess = try await run(try makeRepository(engineLine: "let engine = native(threads: 1)"))
        #expect(viaSGLang.models.first?.engine.kind == "sglang")
        #expect(viaSGLang.tasks.map(\.task) == ["arc_easy", "gsm8k"])
        for ((a, b), c) in zip(zip(viaSGLang.tasks, viaVLLM.tasks), inProcess.tasks) {
            #expect(a.samples.map { $0["arguments"] } == b.samples.map { $0["arguments"] }, "\(a.task) prompts")
            #expect(a.samples.map { $0["resps"] } == b.samples.map { $0["resps"] }, "\(a.task) responses")
            #expect(a.metrics == b.metrics, "\(a.task)")
            #expect(a.perDocument(a.primaryMetric) == c.perDocument(c.primaryMetric), "\(a.task)")
        }
    }
}
