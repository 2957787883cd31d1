import Foundation

/// A `LanguageModelEngine` over any OpenAI-compatible completions server (vLLM, SGLang, llama.cpp,
/// TGI, `arena-script serve`), speaking to it the way lm-eval 0.4.13's `local-completions` does:
/// loglikelihood by `echo` + `logprobs` with `max_tokens: 1`, generation with `stop`, token ids from
/// the server's `/tokenize` (vLLM) or a local tokenizer.
public final class OpenAICompletionsEngine: LanguageModelEngine {
    public struct Configuration: Sendable {
        /// Server root, e.g. `http://127.0.0.1:8000` (no `/v1`).
        public var baseURL: String
        /// The `model` field sent with every request.
        public var model: String
        /// Prompts per completions request.
        public var batchSize: Int
        /// Requests in flight at once.
        public var concurrency: Int
        /// The server's model length: requests are cut from the left to fit it by lm-eval's
        /// local-completions rule (`contextWindow`), which keeps `maxLength - 1` tokens.
        public var maxLength: Int
        /// Sent as `seed` with every request (lm-eval sends 1234).
        public var seed: Int
        /// Per-request deadline in seconds.
        public var timeout: Double

        public init(baseURL: String, model: String, batchSize: Int = 8, concurrency: Int = 16,
                    maxLength: Int = 2048, seed: Int = 1234, timeout: Double = 600) {
            self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
            self.model = model
            self.batchSize = max(1, batchSize)
            self.concurrency = max(1, concurrency)
            self.maxLength = maxLength
            self.seed = seed
            self.timeout = timeout
        }
    }

    /// Where token ids come from.
    public enum TokenizerSource: Sendable {
        /// vLLM's `/tokenize` and `/detokenize` endpoints.
        case remote
        /// A local tokenizer (for servers without those endpoints, such as SGLang).
        case local(encode: @Sendable (String) throws -> [Int], decode: @Sendable ([Int]) throws -> String)
    }

    public let identity: EngineIdentity
    public let configuration: Configuration
    private let tokenizerSource: TokenizerSource
    /// Every request goes through this client: many in flight on libcurl's multi interface,
    /// answered from the request cache when it has one.
    public let client: OpenAIServerClient
    /// Told how many prompts of each call are done.
    public let progress: ProgressReporter?

    public init(configuration: Configuration, identity: EngineIdentity, tokenizer: TokenizerSource = .remote,
                client: OpenAIServerClient, progress: ProgressReporter? = nil) {
        self.configuration = configuration
        self.identity = identity
        self.tokenizerSource = tokenizer
        self.client = client
        self.progress = progress
    }

    /// An engine without a request cache, `configuration.concurrency` requests in flight.
    public convenience init(configuration: Configuration, identity: EngineIdentity, tokenizer: TokenizerSource = .remote,
                            client: HTTPClient = HTTPClient(), progress: ProgressReporter? = nil) {
        let multi = CurlMultiClient(maxInFlight: configuration.concurrency, retry: client.retry, connectTimeout: client.connectTimeout)
        self.init(configuration: configuration, identity: identity, tokenizer: tokenizer,
                  client: OpenAIServerClient(baseURL: configuration.baseURL, multi: multi, requestTimeout: configuration.timeout),
                  progress: progress)
    }

    /// lm-eval's local-completions rule over the configured model length.
    public var contextWindow: ContextWindow { ContextWindow(maxLength: configuration.maxLength, rule: .localCompletions) }

    // MARK: - Tokenization

    public func tokenize(_ text: String) async throws -> [Int] {
        switch tokenizerSource {
        case let .local(encode, _):
            return try encode(text)
        case .remote:
            return try await tokenizeAll([text])[0]
        }
    }

    /// Token ids of every text, in order: one `/tokenize` request per distinct text, all in flight
    /// together (and cached), or the local tokenizer.
    public func tokenizeAll(_ texts: [String]) async throws -> [[Int]] {
        switch tokenizerSource {
        case let .local(encode, _):
            return try texts.map { try encode($0) }
        case .remote:
            var distinct: [String] = []
            var position: [String: Int] = [:]
            for text in texts where position[text] == nil {
                position[text] = distinct.count
                distinct.append(text)
            }
            let bodies = distinct.map { JSONValue.object(["prompt": .string($0), "add_special_tokens": .bool(false)]) }
            let answers = try await client.post("/tokenize", bodies: bodies, decode: CompletionResponseDecoding.tokenize)
            let ids = try answers.map { answer -> [Int] in
                switch answer {
                case let .tokens(tokens): return tokens
                case .missing:
                    throw EngineError.malformedResponse(endpoint: endpoint("/tokenize"), detail: "no integer list 'tokens'")
                case .nonInteger:
                    throw EngineError.malformedResponse(endpoint: endpoint("/tokenize"), detail: "non-integer entries in 'tokens'")
                }
            }
            return texts.map { ids[position[$0] ?? 0] }
        }
    }

    public func detokenize(_ tokens: [Int]) async throws -> String {
        switch tokenizerSource {
        case let .local(_, decode):
            return try decode(tokens)
        case .remote:
            let body = JSONValue.object(["tokens": .array(tokens.map { .int($0) })])
            guard let json = try await client.post("/detokenize", bodies: [body]).first,
 let text = json["prompt"]?.stringValue else {
                throw EngineError.malformedResponse(endpoint: endpoint("/detokenize"), detail: "no string 'prompt'")
            }
            return text
        }
    }

    // MARK: - Loglikelihood

    public func loglikelihood(_ requests: [LoglikelihoodRequest]) async throws -> [LoglikelihoodResult] {
        // lm-eval's pairs: tok(ctx) + tok(ctx + cont)[len(tok(ctx)):], every text tokenized once.
        let splits = requests.map { ContinuationEncoding.split(context: $0.context, continuation: $0.continuation) }
        let texts = splits.flatMap { [$0.context, $0.context + $0.continuation] }
        let ids = try await tokenizeAll(texts)
        let window = contextWindow
        let inputs = try splits.indices.map { i -> ContextWindow.Fitted in
            let contextTokens = ids[2 * i]
            let whole = ids[2 * i + 1]
            let continuationTokens = whole.count > contextTokens.count ? Array(whole[contextTokens.count...]) : []
            return try window.loglikelihood(tokens: contextTokens + continuationTokens, contextLength: contextTokens.count)
        }
        let batches = stride(from: 0, to: inputs.count, by: configuration.batchSize).map {
            Array(inputs[$0..<min($0 + configuration.batchSize, inputs.count)])
        }
        let bodies = batches.map { batch in
            JSONValue.object([
                "model": .string(configuration.model),
                "prompt": .array(batch.map { .array($0.tokens.map { .int($0) }) }),
                "temperature": .int(0),
                "max_tokens": .int(1),
                "logprobs": .int(1),
                "seed": .int(configuration.seed),
                "echo": .bool(true),
            ])
        }
        let answers = try await postCompletions(bodies, prompts: requests.count, decode: CompletionResponseDecoding.echoedChoices)
        var results: [LoglikelihoodResult] = []
        results.reserveCapacity(requests.count)
        for (answer, batch) in zip(answers, batches) {
            results += try scoreBatch(batch, choices: answer)
        }
        return results
    }

    private func scoreBatch(_ batch: [ContextWindow.Fitted], choices answer: [EchoedChoice]?) throws -> [LoglikelihoodResult] {
        let choices = try checkedChoices(answer, expected: batch.count, index: \.index)
        var results: [LoglikelihoodResult] = []
        for (choice, input) in zip(choices, batch) {
            guard let tokenLogprobs = choice.tokenLogprobs else {
                throw EngineError.malformedResponse(endpoint: endpoint("/v1/completions"), detail: "choice without logprobs.token_logprobs (does the server support echo?)")
            }
            let top = choice.topBest
            // lm-eval sums token_logprobs[ctxlen:-1]: the last entry is the one generated token.
            let end = tokenLogprobs.count - 1
            guard input.contextLength > 0, input.contextLength <= end else {
                throw EngineError.malformedResponse(endpoint: endpoint("/v1/completions"),
                                                    detail: "echoed \(tokenLogprobs.count) logprobs for a prompt of \(input.tokens.count) tokens (context \(input.contextLength))")
            }
            var sum = 0.0
            var greedy = true
            for position in input.contextLength..<end {
                guard let value = tokenLogprobs[position] else {
                    throw EngineError.malformedResponse(endpoint: endpoint("/v1/completions"), detail: "null logprob at position \(position)")
                }
                sum += value
                if greedy {
                    let best = position < top.count ? top[position] : nil
                    if best == nil || value != best { greedy = false }
                }
            }
            results.append(LoglikelihoodResult(logprob: sum, isGreedy: greedy, truncatedTokens: input.droppedTokens))
        }
        return results
    }

    // MARK: - Generation

    public func generate(_ requests: [GenerationRequest]) async throws -> [GenerationResult] {
        // Requests that share generation settings travel together, `batchSize` prompts per call.
        struct Group: Hashable { let until: [String]; let maxTokens: Int; let temperature: Double; let seed: Int?; let topK: Int?; let topP: Double? }
        var order: [Group] = []
        var members: [Group: [Int]] = [:]
        for (index, request) in requests.enumerated() {
            let key = Group(until: request.until, maxTokens: request.maxTokens, temperature: request.temperature, seed: request.seed,
                            topK: request.topK, topP: request.topP)
            if members[key] == nil { order.append(key) }
            members[key, default: []].append(index)
        }
        var jobs: [(group: Group, indices: [Int])] = []
        for key in order {
            let indices = members[key] ?? []
            for start in stride(from: 0, to: indices.count, by: configuration.batchSize) {
                jobs.append((key, Array(indices[start..<min(start + configuration.batchSize, indices.count)])))
            }
        }
        // As lm-eval with tokenized requests: token ids with the context cut from the left to leave
        // room for the generation, from the server's tokenizer or the model's own (SGLang). Never
        // text, which a server would tokenize with special tokens the loglikelihoods do not have.
        let promptIDs = try await tokenizeAll(requests.map(\.prompt))
        let window = contextWindow
        let fitted = try requests.indices.map { try window.generation(prompt: promptIDs[$0], maxTokens: requests[$0].maxTokens) }
        let bodies = jobs.map { job -> JSONValue in
            let prompts: [JSONValue] = job.indices.map { index in .array(fitted[index].tokens.map { .int($0) }) }
            var body: [String: JSONValue] = [
                "model": .string(configuration.model),
                "prompt": .array(prompts),
                "max_tokens": .int(job.group.maxTokens),
                "temperature": .double(job.group.temperature),
                "seed": .int(job.group.seed ?? configuration.seed),
            ]
            if !job.group.until.isEmpty { body["stop"] = .array(job.group.until.map { .string($0) }) }
            if let topK = job.group.topK { body["top_k"] = .int(topK) }
            if let topP = job.group.topP { body["top_p"] = .double(topP) }
            return .object(body)
        }
        let answers = try await postCompletions(bodies, prompts: requests.count) { try JSONValue.parse($0) }
        var texts = [String](repeating: "", count: requests.count)
        for (job, answer) in zip(jobs, answers) {
            let choices = try completionChoices(answer, expected: job.indices.count)
            for (index, choice) in zip(job.indices, choices) {
                guard let text = choice["text"]?.stringValue else {
                    throw EngineError.malformedResponse(endpoint: endpoint("/v1/completions"), detail: "choice without 'text'")
                }
                texts[index] = StopSequences.truncate(text, at: job.group.until)
            }
        }
        return texts.indices.map { GenerationResult(text: texts[$0], truncatedTokens: fitted[$0].droppedTokens) }
    }

    // MARK: - HTTP

    private func endpoint(_ path: String) -> String { HTTPClient.redact(configuration.baseURL + path) }

    /// Sends completions requests (all in flight together, cached), reporting prompts done; each
    /// response is read by `decode` as it arrives.
    private func postCompletions<Answer: Sendable>(_ bodies: [JSONValue], prompts: Int,
                                                   decode: @escaping @Sendable (Data) throws -> Answer) async throws -> [Answer] {
        let perRequest = max(1, configuration.batchSize)
        let progress = self.progress
        progress?.begin(total: prompts)
        let answers = try await client.post("/v1/completions", bodies: bodies, progress: { requestsDone in
            progress?.update(done: min(prompts, requestsDone * perRequest))
        }, decode: decode)
        progress?.update(done: prompts)
        return answers
    }

    /// The `choices` of a completions response, sorted by `index`, checked to number `expected`.
    private func completionChoices(_ json: JSONValue, expected: Int) throws -> [JSONValue] {
        try checkedChoices(json["choices"]?.arrayValue, expected: expected) { $0["index"]?.intValue }
    }

    /// Choices (parsed or streamed) present, `expected` of them, in `index` order (list order where
    /// a choice has no index).
    private func checkedChoices<Choice>(_ choices: [Choice]?, expected: Int, index: (Choice) -> Int?) throws -> [Choice] {
        guard let choices else {
            throw EngineError.malformedResponse(endpoint: endpoint("/v1/completions"), detail: "no 'choices' array")
        }
        guard choices.count == expected else {
            throw EngineError.malformedResponse(endpoint: endpoint("/v1/completions"), detail: "\(choices.count) choices for \(expected) prompts")
        }
        return choices.enumerated().sorted { (index($0.element) ?? $0.offset) < (index($1.element) ?? $1.offset) }.map(\.element)
    }
}

public enum EngineError: Error, CustomStringConvertible, Equatable {
    case malformedResponse(endpoint: String, detail: String)

    public var description: String {
        switch self {
        case let .malformedResponse(endpoint, detail): return "\(endpoint): unexpected response: \(detail)"
        }
    }
}

/// Cuts generated text before the first stop string, as vLLM does server-side.
public enum StopSequences {
    public static func truncate(_ text: String, at stops: [String]) -> String {
        var cut = text.endIndex
        for stop in stops where !stop.isEmpty {
            if let range = text.range(of: stop), range.lowerBound < cut { cut = range.lowerBound }
        }
        return String(text[..<cut])
    }
}
