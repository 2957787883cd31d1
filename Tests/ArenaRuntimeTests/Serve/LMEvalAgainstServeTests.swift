import Foundation
import Testing
@testable import ArenaRuntime

/// lm-eval 0.4.13's `local-completions` model, unchanged, against `arena-script serve` (remote
/// tokenizer detected through /tokenizer_info and /tokenize), on two small task fixtures
/// (Tests/Fixtures/serve/tasks): its per-request results must be the native engine's own.
@Suite struct LMEvalAgainstServeTests {
    static let tasks = TokenizerTestSupport.repositoryRoot.appendingPathComponent("Tests/Fixtures/serve/tasks")

    @Test(.timeLimit(.minutes(5)))
    func localCompletionsGetsTheNativeEnginesResults() async throws {
        let python = try TokenizerTestSupport.python()
        try await ServeHarness.with { h in
            let out = try TokenizerTestSupport.temporaryDirectory("lm-eval")
            defer { try? FileManager.default.removeItem(at: out) }
            let modelArgs = "model=tiny-llama,base_url=\(h.baseURL)/v1/completions,num_concurrent=1,max_retries=1,tokenized_requests=True,max_length=512"
            let status = try await Self.run(python, ["-m", "lm_eval", "--model", "local-completions", "--model_args", modelArgs,
                                                   "--tasks", "tiny_mc,tiny_gen", "--include_path", Self.tasks.path,
                                                   "--output_path", out.path, "--log_samples"], in: out)
            #expect(status.code == 0, "lm_eval failed: \(status.log.suffix(3000))")
            guard status.code == 0 else { return }
            let files = try FileManager.default.subpathsOfDirectory(atPath: out.path)
            let samples = { (task: String) throws -> [JSONValue] in
                guard let file = files.first(where: { $0.hasSuffix(".jsonl") && $0.contains("samples_\(task)_") }) else { return [] }
                let text = try String(contentsOf: out.appendingPathComponent(file), encoding: .utf8)
                return try text.split(separator: "\n").map { try JSONValue.parse(String($0)) }
            }

            // Multiple choice: every (context, continuation) loglikelihood and greedy flag.
            let mc = try samples("tiny_mc")
            #expect(mc.count == 4)
            var correct = 0
            for sample in mc {
                let arguments = try #require(sample["arguments"]?.objectValue)
                let responses = try #require(sample["resps"]?.arrayValue)
                var scores: [Double] = []
                for index in 0 ..< arguments.count {
                    let argument = try #require(arguments["gen_args_\(index)"])
                    let context = try #require(argument["arg_0"]?.stringValue), continuation = try #require(argument["arg_1"]?.stringValue)
                    let pair = h.pairTokens(context: context, continuation: continuation)
                    let expected = try h.engine.loglikelihood(tokens: pair.tokens, contextLength: pair.contextLength)
                    let response = try #require(responses[index][0])
                    let logprob = try #require(response[0]?.stringValue.flatMap(Double.init))
                    #expect(abs(logprob - expected.logprob) < 1e-6, "\(context.debugDescription) + \(continuation.debugDescription)")
                    #expect(response[1]?.stringValue == (expected.isGreedy ? "True" : "False"))
                    scores.append(expected.logprob)
                }
                let best = scores.indices.max { scores[$0] < scores[$1] }
                if best == sample["doc"]?["label"]?.intValue { correct += 1 }
            }
            // Generation: the native engine's greedy text for the same prompt tokens and stop strings (+ EOS).
            let gen = try samples("tiny_gen")
            #expect(gen.count == 3)
            for sample in gen {
                let argument = try #require(sample["arguments"]?["gen_args_0"])
                let context = try #require(argument["arg_0"]?.stringValue)
                let until = argument["arg_1"]?["until"]?.arrayValue?.compactMap(\.stringValue) ?? []
                let expected = try h.engine.generate(promptTokens: h.tokenizer.encode(context, addSpecialTokens: false), maxTokens: 8,
                                                     until: until + [h.tokenizer.eosToken].compactMap { $0 })
                #expect(sample["resps"]?[0]?[0]?.stringValue == expected.text, "\(context.debugDescription)")
            }
            // The aggregated accuracy is the one these scores give.
            let resultsFile = try #require(files.first { $0.contains("results_") && $0.hasSuffix(".json") })
            let results = try JSONValue.parse(Data(contentsOf: out.appendingPathComponent(resultsFile)))
            #expect(results["results"]?["tiny_mc"]?["acc,none"]?.doubleValue == Double(correct) / 4)
        }
    }

    /// Runs a command off the concurrency pool (the server in this process must keep answering),
    /// with output to a log file.
    static func run(_ executable: String, _ arguments: [String], in folder: URL) async throws -> (code: Int32, log: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = tasks
        var environment = ProcessInfo.processInfo.environment
        environment["HF_DATASETS_OFFLINE"] = "1"
        environment["HF_HUB_OFFLINE"] = "1"
        environment["HF_HOME"] = folder.appendingPathComponent("hf-home").path
        environment["TOKENIZERS_PARALLELISM"] = "false"
        process.environment = environment
        let logURL = folder.appendingPathComponent("lm-eval.log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                process.waitUntilExit()
                done.resume()
            }
        }
        try log.close()
        return (process.terminationStatus, (try? String(contentsOf: logURL, encoding: .utf8)) ?? "")
    }
}
