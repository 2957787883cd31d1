import ArenaRuntime
import Foundation

/// `arena-bench client`: the server client against the loopback fake OpenAI-compatible server with
/// 0 ms and 50 ms of added latency: prompts/s and CPU time per prompt of a multiple-choice
/// loglikelihood workload, next to lm-eval 0.4.13's `local-completions` on the same server.
///
/// Options: `--python P` (runs the fake server; default $ARENA_TEST_PYTHON), `--lm-eval-python P`
/// (a python with lm-eval 0.4.13; omit to skip lm-eval), `--docs N` (4 choices each; default 500),
/// `--latencies 0,50`, `--in-flight 4,64` (empty: lm-eval only), `--batch 8`, `--workers 4` (server
/// processes), `--lm-eval-batch 8,16` and `--lm-eval-concurrency 4,16,64` (every pair is run; the
/// lowest CPU per prompt is printed). Request rates against the in-flight / latency bound are
/// measured separately against `latency_server.py`, which answers after the latency and does no
/// other work; its real latency, one request at a time, is measured too.
enum ClientBench {
    struct Options {
        var python = ProcessInfo.processInfo.environment["ARENA_TEST_PYTHON"] ?? "python3"
        var lmEvalPython: String?
        var docs = 500
        var latencies = [0, 50]
        var inFlight = [4, 64]
        var batch = 8
        var workers = 4
        var lmEvalConcurrency = [4]
        var lmEvalBatch = [8]

        init(_ args: [String]) throws {
            var i = 0
            func value() throws -> String {
                i += 1
                guard i < args.count else { throw ClientBenchError("missing value after \(args[i - 1])") }
                return args[i]
            }
            func ints(_ text: String) throws -> [Int] {
                try text.split(separator: ",").map { guard let n = Int($0) else { throw ClientBenchError("not a number: \($0)") }; return n }
            }
            while i < args.count {
                switch args[i] {
                case "--python": python = try value()
                case "--lm-eval-python": lmEvalPython = try value()
                case "--docs": docs = try ints(try value()).first ?? docs
                case "--latencies": latencies = try ints(try value())
                case "--in-flight": inFlight = try ints(try value())
                case "--batch": batch = try ints(try value()).first ?? batch
                case "--workers": workers = try ints(try value()).first ?? workers
                case "--lm-eval-concurrency": lmEvalConcurrency = try ints(try value())
                case "--lm-eval-batch": lmEvalBatch = try ints(try value())
                default: throw ClientBenchError("unknown option \(args[i])")
                }
                i += 1
            }
        }
    }

    static let serverScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Tests/Fixtures/server/fake_openai_server.py")

    static let latencyScript = serverScript.deletingLastPathComponent().appendingPathComponent("latency_server.py")

    static func run(_ args: [String]) async throws {
        let options = try Options(args)
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("arena-bench-client-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let docs = documents(options.docs)
        let requests = docs.flatMap { doc in doc.choices.map { LoglikelihoodRequest(context: doc.question + "\nAnswer:", continuation: " " + $0) } }
        print("client benchmark: \(docs.count) documents, \(requests.count) loglikelihood prompts, batch \(options.batch), server processes \(options.workers)")
        print("| latency | client | in flight | prompts/s | CPU µs/prompt | completions req/s (latency server) | target req/s (0.9 × in-flight / latency) | in-flight / measured latency |")
        print("|---|---|---|---|---|---|---|---|")
        for latency in options.latencies {
            let port = try LoopbackPort.free()
            let server = try ServerProcess(executable: options.python, arguments: [serverScript.path, "--port", String(port), "--model", "bench/model"],
                                           environment: ["FAKE_LATENCY_MS": String(latency), "FAKE_WORKERS": String(options.workers)],
                                           logURL: work.appendingPathComponent("server-\(latency).log"))
            defer { server.stop(grace: 2) }
            let baseURL = "http://127.0.0.1:\(port)"
            try await waitForHealth(baseURL, server: server)
            let latencyPort = try LoopbackPort.free()
            let latencyProcess = try ServerProcess(executable: options.python,
                                                   arguments: [latencyScript.path, "--port", String(latencyPort), "--latency-ms", String(latency), "--workers", String(options.workers)],
                                                   logURL: work.appendingPathComponent("latency-\(latency).log"))
            defer { latencyProcess.stop(grace: 2) }
            let latencyServer = "http://127.0.0.1:\(latencyPort)"
            try await waitForHealth(latencyServer, server: latencyProcess)
            // One request at a time: how long the latency server really takes (its timer is late by
            // about a millisecond), so that the client's own share of any shortfall shows.
            let measuredLatency = 1 / (try await requestRate(latencyServer: latencyServer, inFlight: 1, batch: options.batch, count: 40))
            print(String(format: "latency server at %d ms: %.2f ms per request one at a time", latency, measuredLatency * 1000))
            for inFlight in options.inFlight {
                let row = try await measureArena(baseURL: baseURL, latencyServer: latencyServer, requests: requests, inFlight: inFlight,
                                                 batch: options.batch, latency: latency, measuredLatency: measuredLatency)
                print(row)
            }
            if let lmEval = options.lmEvalPython {
                var best: (cpu: Double, row: String)?
                for batch in options.lmEvalBatch {
                    for concurrency in options.lmEvalConcurrency {
                        let (row, cpu) = try measureLMEval(python: lmEval, baseURL: baseURL, docs: docs, batch: batch, concurrency: concurrency, latency: latency, work: work)
                        print(row)
                        if best == nil || cpu < best?.cpu ?? .infinity { best = (cpu, row) }
                    }
                }
                if let best { print("lowest lm-eval CPU per prompt at \(latency) ms: \(String(format: "%.1f", best.cpu)) µs") }
            }
        }
    }

    struct Doc { let question: String; let choices: [String]; let answer: Int }

    static func documents(_ count: Int) -> [Doc] {
        (0..<count).map { i in
            Doc(question: "Question \(i): in the sequence \(i), \(i + 3), \(i + 6), which number comes next?",
                choices: ["\(i + 9)", "\(i + 8)", "\(i * 2)", "none of these"], answer: 0)
        }
    }

    static func cpuSeconds(_ who: Int32) -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(who), &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    static func waitForHealth(_ baseURL: String, server: ServerProcess) async throws {
        let client = HTTPClient(retry: .none, connectTimeout: 1)
        for _ in 0..<200 {
            if let response = try? await client.send(HTTPRequest(url: baseURL + "/health", timeout: 1)), response.status == 200 { return }
            if !server.isRunning { throw ClientBenchError("fake server exited: \(server.logTail())") }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        throw ClientBenchError("fake server did not become healthy")
    }

    static func measureArena(baseURL: String, latencyServer: String, requests: [LoglikelihoodRequest], inFlight: Int, batch: Int,
                             latency: Int, measuredLatency: Double) async throws -> String {
        let multi = CurlMultiClient(maxInFlight: inFlight)
        let client = OpenAIServerClient(baseURL: baseURL, multi: multi)
        let engine = OpenAICompletionsEngine(
            configuration: .init(baseURL: baseURL, model: "bench/model", batchSize: batch, concurrency: inFlight),
            identity: EngineIdentity(kind: "endpoint", version: "bench", model: "bench/model"), client: client)
        let cpu0 = cpuSeconds(RUSAGE_SELF.rawValue)
        let t0 = now()
        let results = try await engine.loglikelihood(requests)
        let wall = now() - t0
        let cpu = cpuSeconds(RUSAGE_SELF.rawValue) - cpu0
        guard results.count == requests.count else { throw ClientBenchError("\(results.count) results for \(requests.count) prompts") }

        let rate = try await requestRate(latencyServer: latencyServer, inFlight: inFlight, batch: batch)
        let target = latency > 0 ? String(format: "%.0f", 0.9 * Double(inFlight) / (Double(latency) / 1000)) : "–"
        let bound = latency > 0 ? String(format: "%.0f (%.1f %%)", Double(inFlight) / measuredLatency, 100 * rate * measuredLatency / Double(inFlight)) : "–"
        return String(format: "| %d ms | arena-script | %d | %.0f | %.1f | %.0f | %@ | %@ |", latency, inFlight, Double(requests.count) / wall,
                      cpu / Double(requests.count) * 1e6, rate, target, bound)
    }

    /// Completions requests per second against the latency server, whose answer takes the latency
    /// and nothing else: what the client sustains against the in-flight / latency bound.
    static func requestRate(latencyServer: String, inFlight: Int, batch: Int, count fixedCount: Int? = nil) async throws -> Double {
        let body = JSONValue.object(["model": .string("bench/model"), "prompt": .array((0..<batch).map { _ in .array((0..<40).map { .int(65 + ($0 % 26)) }) }),
                                     "echo": .bool(true), "max_tokens": .int(1), "logprobs": .int(1), "temperature": .int(0)])
        let client = OpenAIServerClient(baseURL: latencyServer, multi: CurlMultiClient(maxInFlight: inFlight))
        _ = try await client.post("/v1/completions", bodies: Array(repeating: body, count: inFlight), cacheable: false)
        let count = fixedCount ?? max(inFlight * 20, 200)
        let t0 = now()
        _ = try await client.post("/v1/completions", bodies: Array(repeating: body, count: count), cacheable: false)
        return Double(count) / (now() - t0)
    }

    /// lm-eval twice (25 documents and all), so that its start-up cost can be separated from the
    /// per-prompt cost; returns the row and the CPU µs per prompt after start-up. Samples are not
    /// logged (`--log_samples` dropped), which is lm-eval's cheapest way to run.
    static func measureLMEval(python: String, baseURL: String, docs: [Doc], batch: Int, concurrency: Int, latency: Int, work: URL) throws -> (String, Double) {
        func once(_ subset: [Doc], name: String) throws -> (wall: Double, cpu: Double) {
            let dir = work.appendingPathComponent("lm-eval-\(latency)-\(batch)-\(concurrency)-\(name)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let lines = subset.map { doc in
                JSONValue.object(["question": .string(doc.question), "choices": .array(doc.choices.map { .string($0) }), "answer": .int(doc.answer)]).serialized(indent: nil)
            }
            let data = dir.appendingPathComponent("docs.jsonl")
            try (lines.joined(separator: "\n") + "\n").write(to: data, atomically: true, encoding: .utf8)
            let yaml = "task: bench_client_\(name)\ndataset_path: json\ndataset_kwargs:\n  data_files:\n    test: \(data.path)\ntest_split: test\n"
                + "output_type: multiple_choice\ndoc_to_text: \"{{question}}\\nAnswer:\"\ndoc_to_choice: \"{{choices}}\"\ndoc_to_target: \"{{answer}}\"\n"
                + "metric_list:\n  - metric: acc\n"
            try yaml.write(to: dir.appendingPathComponent("task.yaml"), atomically: true, encoding: .utf8)
            let harness = LMEvalHarness(python: python, baseURL: baseURL, model: "bench/model", batchSize: batch, concurrency: concurrency,
                                        includePath: dir.path, environment: ["HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "TQDM_DISABLE": "1"])
            let args = harness.arguments(tasks: ["bench_client_\(name)"], fewshot: nil, limit: nil, outputDirectory: dir.appendingPathComponent("out"))
                .filter { $0 != "--log_samples" }
            let cpu0 = cpuSeconds(RUSAGE_CHILDREN.rawValue)
            let t0 = now()
            let process = try ServerProcess(executable: python, arguments: args, environment: harness.environment, logURL: dir.appendingPathComponent("log"))
            while process.isRunning { Thread.sleep(forTimeInterval: 0.05) }
            guard process.exitCode == 0 else { throw ClientBenchError("lm-eval failed: \(process.logTail())") }
            return (now() - t0, cpuSeconds(RUSAGE_CHILDREN.rawValue) - cpu0)
        }
        let small = Array(docs.prefix(25))
        let a = try once(small, name: "small")
        let b = try once(docs, name: "all")
        let prompts = Double((docs.count - small.count) * 4)
        let cpuPerPrompt = (b.cpu - a.cpu) / prompts * 1e6
        let row = String(format: "| %d ms | lm-eval 0.4.13 (batch %d, num_concurrent %d) | %d | %.0f (whole run %.0f) | %.1f (whole run %.1f) | – | – | – |",
                         latency, batch, concurrency, concurrency, prompts / (b.wall - a.wall), Double(docs.count * 4) / b.wall,
                         cpuPerPrompt, b.cpu / Double(docs.count * 4) * 1e6)
        return (row, cpuPerPrompt)
    }
}

struct ClientBenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
