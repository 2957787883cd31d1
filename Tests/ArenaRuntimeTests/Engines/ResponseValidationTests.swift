import FlyingFox
import Foundation
import Testing
@testable import ArenaRuntime

/// A wrong answer that is valid JSON, as a server might give one, and what the error must say.
enum BadAnswer: String, CaseIterable, Sendable {
    case noChoices, emptyChoices, extraChoice, missingChoice, duplicateIndex, errorWith200
    case noLogprobs, nanLogprob, infinityLogprob, minusInfinityLogprob, nullLogprob, nanTopLogprob
    case echoWithoutGeneratedToken, echoTooLong
    case noText, generationErrorWith200, generationExtraChoice
    case tokenizeNoTokens, tokenizeNonInteger, tokenizeEmpty

    enum Route { case loglikelihood, generation, tokenize }

    var route: Route {
        switch self {
        case .noText, .generationErrorWith200, .generationExtraChoice: return .generation
        case .tokenizeNoTokens, .tokenizeNonInteger, .tokenizeEmpty: return .tokenize
        default: return .loglikelihood
        }
    }

    /// What the run's error must contain.
    var message: String {
        switch self {
        case .noChoices: return "no 'choices' array"
        case .emptyChoices: return "0 choices for 2 prompts"
        case .extraChoice, .generationExtraChoice: return "3 choices for 2 prompts"
        case .missingChoice: return "1 choices for 2 prompts"
        case .duplicateIndex: return "choice indices [0, 0] are not 0..<2"
        case .errorWith200, .generationErrorWith200: return "the server said: CUDA out of memory"
        case .noLogprobs: return "choice 0 has no logprobs.token_logprobs"
        case .nanLogprob: return "log-probability NaN at position"
        case .infinityLogprob: return "log-probability Infinity at position"
        case .minusInfinityLogprob: return "log-probability -Infinity at position"
        case .nullLogprob: return "null log-probability at position"
        case .nanTopLogprob: return "top log-probability NaN at position"
        case .echoWithoutGeneratedToken, .echoTooLong: return "every prompt token and the one generated token"
        case .noText: return "choice 0 has no string 'text'"
        case .tokenizeNoTokens: return "no integer list 'tokens'"
        case .tokenizeNonInteger: return "non-integer entries in 'tokens'"
        case .tokenizeEmpty: return "no tokens for a text of"
        }
    }

    /// Written where a number is replaced by a non-finite literal after serialization.
    static let sentinel = 12345.5

    /// The good answer made wrong; the text after serialization for the non-finite literals.
    func spoil(_ good: [String: Any]) -> Data {
        var body = good
        var choices = body["choices"] as? [[String: Any]] ?? []
        func editLogprobs(_ edit: (inout [Any], inout [Any]) -> Void) {
            var logprobs = choices[0]["logprobs"] as? [String: Any] ?? [:]
            var tokens = logprobs["token_logprobs"] as? [Any] ?? []
            var top = logprobs["top_logprobs"] as? [Any] ?? []
            edit(&tokens, &top)
            logprobs["token_logprobs"] = tokens
            logprobs["top_logprobs"] = top
            choices[0]["logprobs"] = logprobs
        }
        var literal: String?
        switch self {
        case .noChoices: body["choices"] = nil
        case .emptyChoices: choices = []
        case .extraChoice, .generationExtraChoice:
            var extra = choices[0]
            extra["index"] = choices.count
            choices.append(extra)
        case .missingChoice: choices.removeLast()
        case .duplicateIndex: for i in choices.indices { choices[i]["index"] = 0 }
        case .errorWith200, .generationErrorWith200: return json(["error": ["message": "CUDA out of memory", "code": 500]])
        case .noLogprobs: choices[0]["logprobs"] = NSNull()
        case .nanLogprob, .infinityLogprob, .minusInfinityLogprob:
            editLogprobs { tokens, _ in tokens[tokens.count - 2] = Self.sentinel }
            literal = self == .nanLogprob ? "NaN" : self == .infinityLogprob ? "Infinity" : "-Infinity"
        case .nullLogprob: editLogprobs { tokens, _ in tokens[tokens.count - 2] = NSNull() }
        case .nanTopLogprob:
            editLogprobs { _, top in top[top.count - 2] = ["t": Self.sentinel] }
            literal = "NaN"
        case .echoWithoutGeneratedToken: editLogprobs { tokens, top in tokens.removeLast(); top.removeLast() }
        case .echoTooLong: editLogprobs { tokens, top in tokens.append(-0.5); top.append(["x": -0.5]) }
        case .noText: choices[0]["text"] = nil
        case .tokenizeNoTokens: return json(["count": 3])
        case .tokenizeNonInteger: return json(["tokens": [1, "a", 3]])
        case .tokenizeEmpty: return json(["tokens": [Int]()])
        }
        if body["choices"] != nil { body["choices"] = choices }
        var text = String(decoding: json(body), as: UTF8.self)
        if let literal { text = text.replacingOccurrences(of: "\(Self.sentinel)", with: literal) }
        return Data(text.utf8)
    }

    func json(_ value: Any) -> Data { (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])) ?? Data() }
}

/// A byte-level completions server that answers `bad` wrongly the first `remaining` times its route
/// is asked, then rightly; it counts requests per route and keeps the completions bodies it got.
actor MisbehavingServerState {
    var bad: BadAnswer?
    var remaining = 0
    private(set) var counts: [String: Int] = [:]
    private(set) var completionBodies: [Data] = []

    func arm(_ bad: BadAnswer?, times: Int) {
        self.bad = bad
        remaining = times
    }

    /// Counts the request and says whether this answer is to be spoiled.
    func take(_ route: BadAnswer.Route, body: Data) -> BadAnswer? {
        counts["\(route)", default: 0] += 1
        if route != .tokenize { completionBodies.append(body) }
        guard let bad, bad.route == route, remaining > 0 else { return nil }
        remaining -= 1
        return bad
    }

    func count(_ route: BadAnswer.Route) -> Int { counts["\(route)"] ?? 0 }
}

func misbehavingServer(_ state: MisbehavingServerState) async throws -> RouteServer {
    let tokenize: @Sendable (FlyingFox.HTTPRequest) async throws -> FlyingFox.HTTPResponse = { request in
        let data = try await request.bodyData
        let body = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        let prompt = body["prompt"] as? String ?? ""
        let good: [String: Any] = ["tokens": Array(prompt.utf8).map(Int.init), "count": prompt.utf8.count]
        if let bad = await state.take(.tokenize, body: data) {
            return FlyingFox.HTTPResponse(statusCode: .ok, headers: [HTTPHeader("Content-Type"): "application/json"], body: bad.spoil(good))
        }
        return RouteServer.json(good)
    }
    let completions: @Sendable (FlyingFox.HTTPRequest) async throws -> FlyingFox.HTTPResponse = { request in
        let data = try await request.bodyData
        let body = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        let echo = body["echo"] as? Bool == true
        let prompts = body["prompt"] as? [[Int]] ?? []
        let choices: [[String: Any]] = prompts.enumerated().map { index, ids in
            guard echo else { return ["index": index, "text": " answer \(ids.count)"] }
            var lps: [Any] = [NSNull()]
            var tops: [Any] = [NSNull()]
            for i in 1..<ids.count {
                lps.append(-Double((ids[i] + i) % 7 + 1) / 4)
                tops.append(["t": -0.25])
            }
            lps.append(-1.0)
            tops.append(["g": -1.0])
            return ["index": index, "text": "", "logprobs": ["token_logprobs": lps, "top_logprobs": tops]]
        }
        let good: [String: Any] = ["id": "cmpl", "choices": choices]
        if let bad = await state.take(echo ? .loglikelihood : .generation, body: data) {
            return FlyingFox.HTTPResponse(statusCode: .ok, headers: [HTTPHeader("Content-Type"): "application/json"], body: bad.spoil(good))
        }
        return RouteServer.json(good)
    }
    return try await RouteServer(routes: [("POST /tokenize", tokenize), ("POST /v1/completions", completions)])
}

@Suite struct ResponseValidationTests {
    static let requests = [LoglikelihoodRequest(context: "Question: 2+2?\nAnswer:", continuation: " 4"),
                           LoglikelihoodRequest(context: "The cat", continuation: " sat down")]
    static let generations = [GenerationRequest(prompt: "Q: one", until: ["\n"], maxTokens: 8),
                              GenerationRequest(prompt: "Q: three", until: ["\n"], maxTokens: 8)]
    static let scope = RequestCacheScope(model: "stub/model@abc", engine: "endpoint stub", names: ["stub"])

    func engine(_ server: RouteServer, cache: RequestCache?) -> OpenAICompletionsEngine {
        let client = OpenAIServerClient(baseURL: server.baseURL, multi: CurlMultiClient(maxInFlight: 4, retry: .none), cache: cache)
        return OpenAICompletionsEngine(configuration: .init(baseURL: server.baseURL, model: "stub", batchSize: 2, concurrency: 4),
                                       identity: EngineIdentity(kind: "endpoint", version: "stub", model: "stub"), client: client)
    }

    /// The route's answers, as strings, so loglikelihoods and generations compare alike.
    func answers(_ engine: OpenAICompletionsEngine, _ route: BadAnswer.Route) async throws -> [String] {
        switch route {
        case .generation: return try await engine.generate(Self.generations).map(\.text)
        case .loglikelihood, .tokenize: return try await engine.loglikelihood(Self.requests).map { "\($0.logprob) \($0.isGreedy)" }
        }
    }

    /// Each wrong answer fails the run with what is wrong, is not cached, and the next run (the
    /// server answering rightly now) sends the request again and succeeds; the run after that is
    /// answered from the cache.
    @Test(arguments: BadAnswer.allCases)
    func aWrongAnswerFailsClearlyIsNotCachedAndTheNextRunSucceeds(bad: BadAnswer) async throws {
        let root = try ServerFixtures.temporaryDirectory("bad-answer")
        defer { try? FileManager.default.removeItem(at: root) }
        let state = MisbehavingServerState()
        let server = try await misbehavingServer(state)
        defer { Task { await server.stop() } }
        let route: BadAnswer.Route = bad.route == .tokenize ? .loglikelihood : bad.route

        await state.arm(bad, times: 1)
        do {
            _ = try await answers(engine(server, cache: try RequestCache(root: root, scope: Self.scope)), route)
            Issue.record("\(bad): the wrong answer was accepted")
        } catch {
            #expect("\(error)".contains(bad.message), "\(bad): \(error)")
            #expect("\(error)".contains("unexpected response"), "\(bad): \(error)")
        }
        let sentBefore = await state.count(bad.route)

        let second = try await answers(engine(server, cache: try RequestCache(root: root, scope: Self.scope)), route)
        #expect(await state.count(bad.route) > sentBefore, "\(bad): the second run did not ask again")
        let reference = try await answers(engine(server, cache: nil), route)
        #expect(second == reference, "\(bad)")

        let asked = await state.count(bad.route)
        let third = try await answers(engine(server, cache: try RequestCache(root: root, scope: Self.scope)), route)
        #expect(third == reference)
        #expect(await state.count(bad.route) == asked, "\(bad): the good answer was not cached")
    }

    /// A wrong answer already in the cache (stored by an earlier version, which cached before
    /// checking) stops the run before any request, naming the cache folder and how to clear it.
    @Test func aWrongAnswerAlreadyCachedIsReportedWithTheCacheAndHowToClearIt() async throws {
        let root = try ServerFixtures.temporaryDirectory("bad-cached")
        defer { try? FileManager.default.removeItem(at: root) }
        let state = MisbehavingServerState()
        let server = try await misbehavingServer(state)
        defer { Task { await server.stop() } }
        // The request the engine sends, as the server received it.
        _ = try await answers(engine(server, cache: nil), .loglikelihood)
        let body = try JSONValue.parse(try #require(await state.completionBodies.first))
        let cache = try RequestCache(root: root, scope: Self.scope)
        try cache.store(cache.key(endpoint: "/v1/completions", body: body), response: Data(#"{"choices": []}"#.utf8))
        let sent = await state.count(.loglikelihood)
        await #expect {
            _ = try await engine(server, cache: cache).loglikelihood(Self.requests)
        } throws: { error in
            let text = "\(error)"
            return text.contains(cache.directory.path) && text.contains("arena-script cache clear --model 'stub/model@abc'")
                && text.contains("0 choices for 2 prompts") && text.contains("fails validation")
        }
        #expect(await state.count(.loglikelihood) == sent)
    }
}
