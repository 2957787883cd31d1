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
        /// The server's model length (lm-eval's `max_length` before its local-completions rule keeps
        /// `maxLength - 1`, `contextWindow`): for server engines what `ServerContext.resolve` decided
        /// (the server's report, else the engine's `max_model_len:`, else 2048). Requests are cut
        /// from the left to fit it.
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
            let sent = distinct
            let ids = try await client.post("/tokenize", bodies: bodies) { index, data in
                try CompletionResponseValidation.tokens(data, text: sent[index])
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
            let texts = try await client.post("/detokenize", bodies: [body], decode: CompletionResponseValidation.detokenized)
            return texts[0]
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
        // Each answer is checked completely (and scored) before it is cached.
        let sent = batches
        let answers = try await postCompletions(bodies, prompts: requests.count) { index, data in
            try CompletionResponseValidation.loglikelihoods(data, batch: sent[index])
        }
        return answers.flatMap { $0 }
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
        let counts = jobs.map(\.indices.count)
        let answers = try await postCompletions(bodies, prompts: requests.count) { index, data in
            try CompletionResponseValidation.generations(data, count: counts[index])
        }
        var texts = [String](repeating: "", count: requests.count)
        for (job, answer) in zip(jobs, answers) {
            for (index, text) in zip(job.indices, answer) {
                texts[index] = StopSequences.truncate(text, at: job.group.until)
            }
        }
        return texts.indices.map { GenerationResult(text: texts[$0], truncatedTokens: fitted[$0].droppedTokens) }
    }

    // MARK: - HTTP

    /// Sends completions requests (all in flight together, cached), reporting prompts done; each
    /// response is checked and read by `validate` as it arrives, before it is cached.
    private func postCompletions<Answer: Sendable>(_ bodies: [JSONValue], prompts: Int,
                                                   validate: @escaping @Sendable (Int, Data) throws -> Answer) async throws -> [Answer] {
        let perRequest = max(1, configuration.batchSize)
        let progress = self.progress
        progress?.begin(total: prompts)
        let answers = try await client.post("/v1/completions", bodies: bodies, progress: { requestsDone in
            progress?.update(done: min(prompts, requestsDone * perRequest))
        }, validate: validate)
        progress?.update(done: prompts)
        return answers
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
