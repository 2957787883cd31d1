import Foundation
import Testing
@testable import ArenaRuntime

/// `harness: "lm-eval"` end to end: `run` starts one vLLM stand-in (which serves the tiny model
/// with `arena-script serve`) for all of the model's tasks, hands them to lm-evaluation-harness
/// 0.4.13, imports its results, pins its version in the lockfile, and the bundle verifies.
@Suite(.serialized) struct LMEvalDelegationRunTests {
    /// A repository with the tiny model, the quickstart data and an experiment over `engineLine`.
    static func makeRepository(engineLine: String) throws -> URL {
        // Two evaluate calls for the same (model, engine): still one server.
        try EndpointRunTests.makeRepository(experiment: """
            experiment "delegated"
            let tiny = model("../models/tiny-llama")
            \(engineLine)
            let science = dataset(test: "data/science_qa_test.jsonl", train: "data/science_qa_train.jsonl")
            let math = dataset(test: "data/word_math_test.jsonl", train: "data/word_math_train.jsonl")
            evaluate(tiny, on: [arc_easy(dataset: science, fewshot: 1, limit: 8)], with: engine)
            evaluate(tiny, on: [gsm8k(dataset: math, fewshot: 1, limit: 3, generation: ["max_gen_toks": 24])], with: engine)
            """)
    }

    static func runner(root: URL, python: String) throws -> ExperimentRunner {
        var lock = try LockService.fromEnvironment([:])
        lock.currentDirectory = root
        lock.resolver.lmEval = LMEvalInstallation(python: python)
        return ExperimentRunner(lockService: lock, engines: StandardEngineProvider(cacheRoot: nil),
                                datasets: .fromEnvironment(offline: true), log: { _ in })
    }

    static func engineLine(harness: String, argv: URL) -> String {
        let standIn = ServerFixtures.binDirectory.appendingPathComponent("vllm").path
        return "let engine = vllm(command: \"env FAKE_VLLM_ARGV=\(argv.path) \(standIn) serve\", harness: \"\(harness)\", concurrency: 4, batch_size: 4)"
    }

    @Test func lmEvalRunsTheTasksAgainstOneServerAndAgreesWithTheNativeScorer() async throws {
        let python = try ServerFixtures.python()
        _ = try ResumeAfterKillTests.arenaScript()
        let scratch = try ServerFixtures.temporaryDirectory("delegation")
        defer { try? FileManager.default.removeItem(at: scratch) }

        let delegatedArgv = scratch.appendingPathComponent("delegated-argv.txt")
        let delegatedRoot = try Self.makeRepository(engineLine: Self.engineLine(harness: "lm-eval", argv: delegatedArgv))
        defer { try? FileManager.default.removeItem(at: delegatedRoot) }
        let delegated = try await Self.runner(root: delegatedRoot, python: python)
            .run(path: "experiments/run.arena", options: .init(noGit: true))

        let nativeArgv = scratch.appendingPathComponent("native-argv.txt")
        let nativeRoot = try Self.makeRepository(engineLine: Self.engineLine(harness: "native", argv: nativeArgv))
        defer { try? FileManager.default.removeItem(at: nativeRoot) }
        let scored = try await Self.runner(root: nativeRoot, python: python)
            .run(path: "experiments/run.arena", options: .init(noGit: true))

        // One server start per (model, engine), for both evaluate calls.
        for argv in [delegatedArgv, nativeArgv] {
            let starts = try String(contentsOf: argv, encoding: .utf8).split(separator: "\n").filter { $0.hasPrefix("vllm\tserve") }
            #expect(starts.count == 1, "\(argv.lastPathComponent): \(starts)")
        }

        // The lockfile pins the harness that ran.
        let lockText = try String(contentsOf: delegatedRoot.appendingPathComponent("lockfiles/run.lock"), encoding: .utf8)
        let lockfile = try LockfileReader.parse(lockText, path: "run.lock")
        #expect(lockfile.engine("engine")?.harnessVersion == "0.4.13")
        #expect(lockfile.engine("engine")?.spec.harness == "lm-eval")

        let fromLMEval = try BundleReader.read(delegated.bundle)
        let fromScorer = try BundleReader.read(scored.bundle)
        #expect(fromLMEval.tasks.map(\.task) == ["arc_easy", "gsm8k"])
        #expect(fromLMEval.tasks.map(\.effectiveCount) == [8, 3])
        #expect(fromLMEval.tasks.map(\.nShot) == [1, 1])
        for (a, b) in zip(fromLMEval.tasks, fromScorer.tasks) {
            #expect(Set(a.metrics.keys) == Set(b.metrics.keys), "\(a.task) metric keys")
            for key in a.metrics.keys.sorted() {
                let (x, y) = (a.metrics[key] ?? .nan, b.metrics[key] ?? .nan)
                #expect(abs(x - y) <= 1e-9 || (x.isNaN && y.isNaN), "\(a.task) \(key): lm-eval \(x), native scorer \(y)")
            }
            #expect(a.perDocument(a.primaryMetric) == b.perDocument(b.primaryMetric), "\(a.task)")
            #expect(a.samples.map { $0["arguments"] } == b.samples.map { $0["arguments"] }, "\(a.task) prompts")
            #expect(a.samples.map { $0["resps"] } == b.samples.map { $0["resps"] }, "\(a.task) responses")
        }
        // generation: ["max_gen_toks": 24] reached the requests of both harnesses.
        let kwargs = fromLMEval.tasks.last?.samples.first?["arguments"]?.arrayValue?.first?.arrayValue?.last
        #expect(kwargs?["max_gen_toks"]?.intValue == 24)

        // What ran is recorded, and the bundle verifies (lm-eval's responses re-scored exactly).
        let environment = try JSONValue.parse(Data(contentsOf: delegated.bundle.appendingPathComponent("environment.json")))
        #expect(environment["engines"]?["tiny"]?["harness"]?["version"]?.stringValue == "0.4.13")
        let logs = try FileManager.default.contentsOfDirectory(atPath: delegated.bundle.appendingPathComponent("logs").path)
        let log = try logs.map { try String(contentsOf: delegated.bundle.appendingPathComponent("logs/\($0)"), encoding: .utf8) }.joined()
        #expect(log.contains("local-completions"))
        let report = try String(contentsOf: delegated.bundle.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.contains("lm-eval 0.4.13 (engine 'engine')"))
        let verification = try await BundleVerifier.verify(lockfile: delegatedRoot.appendingPathComponent("lockfiles/run.lock").path, bundle: delegated.bundle)
        #expect(verification.differences.isEmpty, "\(verification.differences)")
    }

    @Test func aDifferentInstalledVersionStopsTheRun() async throws {
        let python = try ServerFixtures.python()
        let delegation = LMEvalDelegation(installation: LMEvalInstallation(python: python), lockedVersion: "0.4.2",
                                          endpoint: ServedEndpoint(baseURL: "http://127.0.0.1:9", model: "m"),
                                          engine: EngineSpec(key: "server", kind: .endpoint, harness: "lm-eval"), seed: 1234)
        await #expect {
            _ = try await delegation.run(model: "m", tasks: [], defaultLimit: nil, workDirectory: FileManager.default.temporaryDirectory)
        } throws: { error in
            "\(error)" == "engine 'server': the lockfile pins lm-eval 0.4.2, but \(python) has 0.4.13; install lm-eval==0.4.2 there, set ARENA_LM_EVAL_PYTHON, or re-lock"
        }
        let missing = LMEvalDelegation(installation: LMEvalInstallation(python: "/bin/false"), lockedVersion: "0.4.13",
                                       endpoint: ServedEndpoint(baseURL: "http://127.0.0.1:9", model: "m"),
                                       engine: EngineSpec(key: "server", kind: .endpoint, harness: "lm-eval"), seed: 1234)
        await #expect(throws: LMEvalDelegationError.notInstalled(engine: "server", python: "/bin/false")) {
            _ = try await missing.run(model: "m", tasks: [], defaultLimit: nil, workDirectory: FileManager.default.temporaryDirectory)
        }
    }
}

/// Every task arena-script knows can be delegated: its built-in YAML is where the table says, in
/// the installed lm-eval 0.4.13, and defines that task.
@Suite struct LMEvalBuiltinYAMLTests {
    @Test func everyCatalogTaskHasItsBuiltinYAML() throws {
        let facts = try #require(LMEvalInstallation(python: try ServerFixtures.python()).facts())
        #expect(Set(LMEvalDelegation.builtinYAML.keys) == Set(TaskCatalog.taskNames))
        for (task, path) in LMEvalDelegation.builtinYAML.sorted(by: { $0.key < $1.key }) {
            let yaml = try String(contentsOf: facts.tasksDirectory.appendingPathComponent(path), encoding: .utf8)
            let lines = yaml.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(lines.contains("task: \(task)") || lines.contains("\"task\": \"\(task)\""), "\(path) does not define \(task)")
        }
    }
}
