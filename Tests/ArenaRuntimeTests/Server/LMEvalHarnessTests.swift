import ArenaScript
import Foundation
import Testing
@testable import ArenaRuntime

/// `harness: "lm-eval"`: the real lm-evaluation-harness 0.4.13 against the fake server, its output
/// imported, and its per-choice log-likelihoods checked against our own engine on the same server.
@Suite(.serialized) struct LMEvalHarnessTests {
    /// A multiple-choice task defined in a local YAML over a local JSONL file (no Hub access).
    static func writeTask(in directory: URL) throws -> String {
        var lines: [String] = []
        for i in 0..<20 {
            let doc = JSONValue.object([
                "question": .string("Question \(i): which number follows \(i)?"),
                "choices": .array([.string("\(i + 1)"), .string("\(i + 2)"), .string("\(i * 3)"), .string("none")]),
                "answer": .int(i % 4),
            ])
            lines.append(doc.serialized(indent: nil))
        }
        let data = directory.appendingPathComponent("mc.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(to: data, atomically: true, encoding: .utf8)
        let yaml = """
        task: arena_server_mc
        dataset_path: json
        dataset_kwargs:
          data_files:
            test: \(data.path)
        test_split: test
        output_type: multiple_choice
        doc_to_text: "{{question}}\\nAnswer:"
        doc_to_choice: "{{choices}}"
        doc_to_target: "{{answer}}"
        metric_list:
          - metric: acc
            aggregation: mean
            higher_is_better: true

        """
        try yaml.write(to: directory.appendingPathComponent("arena_server_mc.yaml"), atomically: true, encoding: .utf8)
        return directory.path
    }

    @Test func lmEvalRunsAgainstTheServerAndAgreesWithOurEngine() async throws {
        let python = try ServerFixtures.python()
        let version = LMEvalInstallation(python: python).version()
        #expect(version == "0.4.13", "lm-eval 0.4.13 must be installed in ARENA_TEST_PYTHON (Tests/requirements.txt)")
        let directory = try ServerFixtures.temporaryDirectory("lm-eval")
        defer { try? FileManager.default.removeItem(at: directory) }
        let includePath = try Self.writeTask(in: directory)
        let server = try FakeServer()
        let harness = LMEvalHarness(python: python, baseURL: server.baseURL, model: server.model, batchSize: 8, concurrency: 4,
                                    includePath: includePath,
                                    environment: ["HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "HF_HOME": directory.appendingPathComponent("hf").path])
        let run = try await harness.run(tasks: [TaskSelection(name: "arena_server_mc")], defaultLimit: nil,
                                        workDirectory: directory.appendingPathComponent("work"))
        #expect(run.lmEvalVersion == "0.4.13")
        let task = try #require(run.tasks.first)
        #expect(task.task == "arena_server_mc")
        #expect(task.sampleCount == 20)
        #expect(task.samples.count == 20)

        // The same pairs through our engine on the same server.
        var pairs: [(doc: Int, choice: Int, request: LoglikelihoodRequest, logprob: Double, greedy: Bool)] = []
        for sample in task.samples {
            let doc = try #require(sample["doc_id"]?.intValue)
            let arguments = try #require(sample["arguments"]?.objectValue)
            let responses = try #require(sample["resps"]?.arrayValue)
            for choice in 0..<arguments.count {
                let args = try #require(arguments["gen_args_\(choice)"])
                let context = try #require(args["arg_0"]?.stringValue)
                let continuation = try #require(args["arg_1"]?.stringValue)
                let response = try #require(responses[choice].arrayValue?.first?.arrayValue)
                let logprob = try #require(response.first?.stringValue.flatMap(Double.init))
                let greedy = response.count > 1 && response[1].stringValue == "True"
                pairs.append((doc, choice, LoglikelihoodRequest(context: context, continuation: continuation), logprob, greedy))
            }
        }
        #expect(pairs.count == 80)
        let engine = OpenAICompletionsEngine(
            configuration: .init(baseURL: server.baseURL, model: server.model, batchSize: 8, concurrency: 8),
            identity: EngineIdentity(kind: "endpoint", version: "0.8.5", model: server.model))
        let ours = try await engine.loglikelihood(pairs.map(\.request))
        for (pair, result) in zip(pairs, ours) {
            #expect(abs(pair.logprob - result.logprob) < 1e-9, "doc \(pair.doc) choice \(pair.choice): lm-eval \(pair.logprob), ours \(result.logprob)")
            #expect(pair.greedy == result.isGreedy)
        }
        // lm-eval's accuracy from our log-likelihoods: argmax choice == target.
        var correct = 0
        for sample in task.samples {
            let doc = try #require(sample["doc_id"]?.intValue)
            let target = try #require(sample["target"]?.stringValue.flatMap(Int.init) ?? sample["target"]?.intValue)
            let scores = zip(pairs, ours).filter { $0.0.doc == doc }.map(\.1.logprob)
            let best = scores.indices.max { scores[$0] < scores[$1] }
            if best == target { correct += 1 }
        }
        let accuracy = try #require(task.metrics["acc,none"])
        #expect(abs(accuracy - Double(correct) / 20) < 1e-12)
    }

    @Test func aFailingLMEvalRunShowsItsLogTail() async throws {
        let python = try ServerFixtures.python()
        let directory = try ServerFixtures.temporaryDirectory("lm-eval-fail")
        defer { try? FileManager.default.removeItem(at: directory) }
        let harness = LMEvalHarness(python: python, baseURL: "http://127.0.0.1:9", model: "m",
                                    environment: ["HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1"])
        await #expect {
            _ = try await harness.run(tasks: [TaskSelection(name: "no_such_task_xyz")], defaultLimit: 5, workDirectory: directory)
        } throws: { error in
            let text = "\(error)"
            return text.contains("lm-eval exited with status") && text.contains("no_such_task_xyz")
        }
    }

    @Test func commandLineCarriesTheServerAndTheTaskSettings() {
        let harness = LMEvalHarness(python: "python3", baseURL: "http://127.0.0.1:8000/", model: "org/m", batchSize: 8, concurrency: 4,
                                    seed: 7, maxLength: 4096)
        let args = harness.arguments(tasks: ["gsm8k", "arc_easy"], fewshot: 5, limit: 100, outputDirectory: URL(fileURLWithPath: "/out"))
        #expect(args.prefix(4) == ["-m", "lm_eval", "--model", "local-completions"])
        let modelArgs = args[args.firstIndex(of: "--model_args").map { $0 + 1 } ?? 0]
        #expect(modelArgs == "base_url=http://127.0.0.1:8000/v1/completions,model=org/m,num_concurrent=4,tokenizer_backend=remote,tokenized_requests=True,max_retries=5,seed=7,max_length=4096")
        for flag in [["--tasks", "gsm8k,arc_easy"], ["--batch_size", "8"], ["--num_fewshot", "5"], ["--limit", "100"], ["--output_path", "/out"]] {
            #expect(args.indices.contains { args[$0...].starts(with: flag) }, "missing \(flag)")
        }
        #expect(args.contains("--log_samples"))
    }
}
