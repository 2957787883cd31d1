import ArenaRuntime
import ArgumentParser
import Foundation

extension ArenaScriptCommand {
    struct Query: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "query",
            abstract: "Send loglikelihood and generation requests from a JSONL file to an OpenAI-compatible server, through the request cache.",
            discussion: """
            Input lines: {"context": ..., "continuation": ...} or {"prompt": ..., "until": [...], "max_tokens": N}.
            Output lines, in the same order: {"is_greedy": ..., "logprob": ...} or {"text": ...}.
            """
        )

        @Option(help: "Server root URL, e.g. http://127.0.0.1:8000.") var url: String
        @Option(help: "Model id as the server serves it.") var model: String
        @Option(help: "Model commit the server was started at (part of the cache key).") var revision: String = "unknown"
        @Option(help: "Requests file (JSONL).") var input: String
        @Option(help: "Results file (JSONL), written when every request has an answer.") var output: String
        @Option(name: .customLong("cache-dir"), help: "Request cache root.") var cacheDirectory: String?
        @Flag(name: .customLong("no-cache"), help: "Neither read nor write the request cache.") var noCache = false
        @Option(help: "Requests in flight at once.") var concurrency: Int = 64
        @Option(name: .customLong("batch-size"), help: "Prompts per completions request.") var batchSize: Int = 8
        @Option(name: .customLong("max-length"), help: "The server's model length; requests are cut from the left to fit it, as lm-eval's local-completions does (default: the length the server reports, else 2048).") var maxLength: Int?
        @Option(name: .customLong("retry-budget"), help: "Seconds a request may spend waiting between retries (default 60).") var retryBudget: Double = 60
        @Option(help: "Seed sent with every request.") var seed: Int = 1234

        func run() async throws {
            try await ExitStatus.running {
                let items = try RequestFile.parse(try Data(contentsOf: URL(fileURLWithPath: input)), path: input)
                guard retryBudget.isFinite, retryBudget >= 0 else { throw ValidationError("--retry-budget must be a number of seconds >= 0") }
                let retry = RetryPolicy.server(budget: retryBudget)
                let report = try await ServerReport.read(url, retry: retry)
                guard let entry = report.models.first(where: { $0.id == model }) else {
                    throw CommandFailure(description: "\(HTTPClient.redact(url)) serves \(report.modelIDs), not '\(model)'")
                }
                let reported = try ServerContext.resolve(reported: report.contextLength(of: entry), configured: nil, engine: "endpoint")
                let length = maxLength.map { ContextLength(tokens: $0, source: "--max-length") } ?? reported
                let identity = EngineIdentity(kind: "endpoint", version: report.identityVersion(of: entry), model: "\(model)@\(revision)")
                let root = noCache ? nil : (cacheDirectory.map { URL(fileURLWithPath: $0) } ?? RequestCache.defaultRoot())
                let multi = CurlMultiClient(maxInFlight: concurrency, retry: retry, log: { Console.error("arena-script: " + $0) })
                let client = OpenAIServerClient(baseURL: report.baseURL, multi: multi,
                                                cache: try ServerEngines.cache(root: root, identity: identity, names: [model]))
                let spec = EngineSpec(key: "endpoint", kind: .endpoint, url: url, concurrency: concurrency, batchSize: batchSize)
                let engine = ServerEngines.completionsEngine(client: client, identity: identity, servedModel: model, engine: spec,
                                                             seed: seed, maxLength: length)
                let results = try await RequestFile.run(items, on: engine)
                try RequestFile.write(results, to: URL(fileURLWithPath: output))
                let counts = client.counts
                Console.error("arena-script: \(items.count) requests; \(counts.cached) server requests answered from the cache, \(counts.sent) sent")
            }
        }
    }
}
