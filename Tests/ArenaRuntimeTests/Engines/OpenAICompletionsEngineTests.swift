import FlyingFox
import Foundation
import Testing
@testable import ArenaRuntime

/// A byte-level completions server: token id = UTF-8 byte; the log-probability of a token is a fixed
/// function of (previous token, token, position). Choices come back in reverse order so the client
/// must sort them by `index`. It ignores `stop`, so the client's own truncation is exercised.
private typealias Handler = @Sendable (FlyingFox.HTTPRequest) async throws -> FlyingFox.HTTPResponse

private func stubRoutes(counter: CallCounter) -> [(String, Handler)] {
    let tokenize: Handler = { request in
            await counter.record("tokenize")
            let body = try JSONSerialization.jsonObject(with: try await request.bodyData) as? [String: Any] ?? [:]
            let prompt = body["prompt"] as? String ?? ""
            return RouteServer.json(["tokens": Array(prompt.utf8).map(Int.init), "count": prompt.utf8.count])
        }
    let detokenize: Handler = { request in
            let body = try JSONSerialization.jsonObject(with: try await request.bodyData) as? [String: Any] ?? [:]
            let tokens = (body["tokens"] as? [Int] ?? []).map(UInt8.init)
            return RouteServer.json(["prompt": String(decoding: tokens, as: UTF8.self)])
        }
    let completions: Handler = { request in
            await counter.record("completions")
            let body = try JSONSerialization.jsonObject(with: try await request.bodyData) as? [String: Any] ?? [:]
            if body["model"] as? String == "broken" {
                return RouteServer.json(["error": ["message": "model 'broken' does not exist"]], status: .notFound)
            }
            let prompts = body["prompt"] as? [Any] ?? []
            var choices: [[String: Any]] = []
            for (index, prompt) in prompts.enumerated() {
                let ids = (prompt as? [Int]) ?? Array((prompt as? String ?? "").utf8).map(Int.init)
                if body["echo"] as? Bool == true {
                    var lps: [Any] = [NSNull()]
                    var tops: [Any] = [NSNull()]
                    for i in 1..<ids.count {
                        let lp = stubLogprob(previous: ids[i - 1], token: ids[i], position: i)
                        lps.append(lp)
                        tops.append(["t\(ids[i])": lp, "other": -0.5])
                    }
                    lps.append(-1.0)  // the one generated token
                    tops.append(["g": -1.0])
                    choices.append(["index": index, "text": "", "logprobs": ["token_logprobs": lps, "top_logprobs": tops]])
                } else {
                    choices.append(["index": index, "text": " #### \(ids.count)\n\nQ: more"])
                }
            }
            return RouteServer.json(["choices": Array(choices.reversed())])
        }
    return [("POST /tokenize", tokenize), ("POST /detokenize", detokenize), ("POST /v1/completions", completions)]
}

private func stubLogprob(previous: Int, token: Int, position: Int) -> Double {
    let bucket: Int = (previous * 31 + token * 7 + position) % 50 + 1
    return -Double(bucket) / 10.0
}

@Suite struct OpenAICompletionsEngineTests {
    private func engine(_ server: RouteServer, model: String = "stub", batchSize: Int = 3, maxLength: Int = 2048) -> OpenAICompletionsEngine {
        OpenAICompletionsEngine(
            configuration: .init(baseURL: server.baseURL, model: model, batchSize: batchSize, concurrency: 4, maxLength: maxLength),
            identity: EngineIdentity(kind: "endpoint", version: "stub", model: model),
            client: HTTPClient(retry: .none))
    }

    /// The expected sum, computed from the definition: context whitespace moves to the continuation;
    /// lm-eval's local-completions keeps the last max_length - 1 tokens.
    private func expected(_ context: String, _ continuation: String, maxLength: Int = 2048) -> LoglikelihoodResult {
        var ctx = context
        var cont = continuation
        while let last = ctx.last, last == " " { ctx.removeLast(); cont = " " + cont }
        var ids = Array(ctx.utf8).map(Int.init) + Array(cont.utf8).map(Int.init)
        var ctxlen = ctx.utf8.count
        let keep = maxLength - 1
        let dropped = max(0, ids.count - keep)
        if dropped > 0 { ctxlen -= dropped; ids = Array(ids.suffix(keep)) }
        var sum = 0.0
        var greedy = true
        for i in ctxlen..<ids.count {
            let lp = stubLogprob(previous: ids[i - 1], token: ids[i], position: i)
            sum += lp
            if lp < -0.5 { greedy = false }
        }
        return LoglikelihoodResult(logprob: sum, isGreedy: greedy, truncatedTokens: dropped)
    }

    @Test func loglikelihoodSumsContinuationLogprobsInRequestOrder() async throws {
        let counter = CallCounter()
        let server = try await RouteServer(routes: stubRoutes(counter: counter))
        defer { Task { await server.stop() } }
        let pairs = [("Question: 2+2?\nAnswer:", " 4"), ("Question: 2+2?\nAnswer: ", "5"), ("abc", "d"), ("abc", "6"),
                     ("The cat", " sat"), ("The cat", " ran away"), ("x", "\u{e9}t\u{e9}"), ("Hello", " world")]
        let requests = pairs.map { LoglikelihoodRequest(context: $0.0, continuation: $0.1) }
        let results = try await engine(server).loglikelihood(requests)
        #expect(results == pairs.map { expected($0.0, $0.1) })
        #expect(results.contains { $0.isGreedy } && results.contains { !$0.isGreedy })
        // 8 prompts at 3 per request.
        #expect(await counter.count("completions") == 3)
    }

    @Test func longSequencesAreCutFromTheLeftAsLmEvalDoes() async throws {
        let server = try await RouteServer(routes: stubRoutes(counter: CallCounter()))
        defer { Task { await server.stop() } }
        let context = String(repeating: "lorem ipsum ", count: 10) + "end"
        let results = try await engine(server, maxLength: 40).loglikelihood([LoglikelihoodRequest(context: context, continuation: " tail")])
        #expect(results == [expected(context, " tail", maxLength: 40)])
        #expect(results.first?.truncatedTokens == context.utf8.count + 5 - 39)
        // A continuation that leaves no context token within 40 - 1 is refused before anything is sent.
        let long = String(repeating: "x", count: 39)
        await #expect(throws: ContextWindowError.continuationTooLong(continuation: 39, window: ContextWindow(maxLength: 40, rule: .localCompletions))) {
            try await engine(server, maxLength: 40).loglikelihood([LoglikelihoodRequest(context: "a", continuation: long)])
        }
    }

    @Test func generationPromptsKeepMaxLengthLessOneLessMaxTokens() async throws {
        let server = try await RouteServer(routes: stubRoutes(counter: CallCounter()))
        defer { Task { await server.stop() } }
        // The stub answers with the number of prompt tokens it was sent: 40 - 1 - 16.
        let results = try await engine(server, maxLength: 40).generate([
            GenerationRequest(prompt: String(repeating: "p", count: 100), until: ["\n\n"], maxTokens: 16),
            GenerationRequest(prompt: "short", until: ["\n\n"], maxTokens: 16),
        ])
        #expect(results == [GenerationResult(text: " #### 23", truncatedTokens: 77), GenerationResult(text: " #### 5", truncatedTokens: 0)])
    }

    @Test func generationIsTruncatedAtStopStringsAndKeepsOrder() async throws {
        let server = try await RouteServer(routes: stubRoutes(counter: CallCounter()))
        defer { Task { await server.stop() } }
        let requests = ["a", "bb", "ccc", "dddd"].map { GenerationRequest(prompt: $0, until: ["\n\n"], maxTokens: 16) }
        let results = try await engine(server, batchSize: 2).generate(requests)
        #expect(results.map(\.text) == [" #### 1", " #### 2", " #### 3", " #### 4"])
    }

    @Test func serverErrorsCarryTheServersMessage() async throws {
        let server = try await RouteServer(routes: stubRoutes(counter: CallCounter()))
        defer { Task { await server.stop() } }
        do {
            _ = try await engine(server, model: "broken").generate([GenerationRequest(prompt: "x", until: [])])
            Issue.record("expected an error")
        } catch {
            let error = "\(error)"
            #expect(error.contains("HTTP 404"))
            #expect(error.contains("model 'broken' does not exist"))
            #expect(error.contains("127.0.0.1"))
        }
    }
}
