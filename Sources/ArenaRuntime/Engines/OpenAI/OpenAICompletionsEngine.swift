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
        /// Longest token sequence sent; longer ones are cut from the left as lm-eval does.
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
    private let client: HTTPClient

    public init(configuration: Configuration, identity: EngineIdentity, tokenizer: TokenizerSource = .remote,
                client: HTTPClient = HTTPClient()) {
        self.configuration = configuration
        self.identity = identity
        self.tokenizerSource = tokenizer
        self.client = client
    }

    // MARK: - Tokenization

    public func tokenize(_ text: String) async throws -> [Int] {
        switch tokenizerSource {
        case let .local(encode, _):
            return try encode(text)
        case .remote:
            let body = JSONValue.object(["prompt": .string(text), "add_special_tokens": .bool(false)])
            let json = try await postJSON(path: "/tokenize", body: body)
            guard let tokens = json["tokens"]?.arrayValue?.compactMap(\.intValue) else {
                throw EngineError.malformedResponse(endpoint: endpoint("/tokenize"), detail: "no integer list 'tokens'")
            }
            return tokens
        }
    }

    public func detokenize(_ tokens: [Int]) async throws -> String {
        switch tokenizerSource {
        case let .local(_, decode):
            return try decode(tokens)
        case .remote:
            let body = JSONValue.object(["tokens": .array(tokens.map { .int($0) })])
            let json = try await postJSON(path: "/detokenize", body: body)
            guard let text = json["prompt"]?.stringValue else {
                throw EngineError.malformedResponse(endpoint: endpoint("/detokenize"), detail: "no string 'prompt'")
            }
            return text
        }
    }

    // MARK: - Loglikelihood

    public func loglikelihood(_ requests: [LoglikelihoodRequest]) async throws -> [LoglikelihoodResult] {
        let encoder = MemoizedTokenizer(tokenize: { try await self.tokenize($0) })
        let encoded = try await boundedMap(requests, limit: configuration.concurrency) { request in
            try await ContinuationEncoding.encode(context: request.context, continuation: request.continuation,
                                                  tokenize: { try await encoder.tokens(for: $0) })
        }
        let inputs = encoded.map { pair -> (tokens: [Int], contextLength: Int) in
            let total = pair.tokens.count
            let overflow = max(0, total - configuration.maxLength)
            return (Array(pair.tokens.suffix(configuration.maxLength)), pair.contextLength - overflow)
        }
        let batches = stride(from: 0, to: inputs.count, by: configuration.batchSize).map {
            Array(inputs[$0..<min($0 + configuration.batchSize, inputs.count)])
        }
        let results = try await boundedMap(batches, limit: configuration.concurrency) { batch in
            try await self.scoreBatch(batch)
        }
        return results.flatMap { $0 }
    }

    private func scoreBatch(_ batch: [(tokens: [Int], contextLength: Int)]) async throws -> [LoglikelihoodResult] {
        let body = JSONValue.object([
            "model": .string(configuration.model),
            "prompt": .array(batch.map { .array($0.tokens.map { .int($0) }) }),
            "temperature": .int(0),
            "max_tokens": .int(1),
            "logprobs": .int(1),
            "seed": .int(configuration.seed),
            "echo": .bool(true),
        ])
        let choices = try await completionChoices(body: body, expected: batch.count)
        var results: [LoglikelihoodResult] = []
        for (choice, input) in zip(choices, batch) {
            guard let logprobs = choice["logprobs"], let tokenLogprobs = logprobs["token_logprobs"]?.arrayValue else {
                throw EngineError.malformedResponse(endpoint: endpoint("/v1/completions"), detail: "choice without logprobs.token_logprobs (does the server support echo?)")
            }
            let top = logprobs["top_logprobs"]?.arrayValue ?? []
            // lm-eval sums token_logprobs[ctxlen:-1]: the last entry is the one generated token.
            let end = tokenLogprobs.count - 1
            guard input.contextLength > 0, input.contextLength <= end else {
                throw EngineError.malformedResponse(endpoint: endpoint("/v1/completions"),
                                                    detail: "echoed \(tokenLogprobs.count) logprobs for a prompt of \(input.tokens.count) tokens (context \(input.contextLength))")
            }
            var sum = 0.0
            var greedy = true
            for position in input.contextLength..<end {
                guard let value = tokenLogprobs[position].doubleValue else {
                    throw EngineError.malformedResponse(endpoint: endpoint("/v1/completions"), detail: "null logprob at position \(position)")
                }
                sum += value
                if greedy {
                    let alternatives = position < top.count ? (top[position].objectValue ?? [:]) : [:]
                    let best = alternatives.values.compactMap(\.doubleValue).max()
                    if best == nil || value != best { greedy = false }
                }
            }
            results.append(LoglikelihoodResult(logprob: sum, isGreedy: greedy))
        }
        return results
    }

    // MARK: - Generation

    public func generate(_ requests: [GenerationRequest]) async throws -> [GenerationResult] {
        // Requests that share generation settings travel together, `batchSize` prompts per call.
        struct Group: Hashable { let until: [String]; let maxTokens: Int; let temperature: Double; let seed: Int? }
        var order: [Group] = []
        var members: [Group: [Int]] = [:]
        for (index, request) in requests.enumerated() {
            let key = Group(until: request.until, maxTokens: request.maxTokens, temperature: request.temperature, seed: request.seed)
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
        let outputs = try await boundedMap(jobs, limit: configuration.concurrency) { job -> [(Int, String)] in
            var prompts: [JSONValue] = []
            for index in job.indices {
                let prompt = requests[index].prompt
                if case .remote = self.tokenizerSource {
                    // As lm-eval: token ids, the context cut from the left to leave room for the generation.
                    let ids = try await self.tokenize(prompt)
                    let room = max(1, self.configuration.maxLength - job.group.maxTokens)
                    prompts.append(.array(ids.suffix(room).map { .int($0) }))
                } else {
                    prompts.append(.string(prompt))
                }
            }
            var body: [String: JSONValue] = [
                "model": .string(self.configuration.model),
                "prompt": .array(prompts),
                "max_tokens": .int(job.group.maxTokens),
                "temperature": .double(job.group.temperature),
                "seed": .int(job.group.seed ?? self.configuration.seed),
            ]
            if !job.group.until.isEmpty { body["stop"] = .array(job.group.until.map { .string($0) }) }
            let choices = try await self.completionChoices(body: .object(body), expected: job.indices.count)
            return try zip(job.indices, choices).map { index, choice in
                guard let text = choice["text"]?.stringValue else {
                    throw EngineError.malformedResponse(endpoint: self.endpoint("/v1/completions"), detail: "choice without 'text'")
                }
                return (index, StopSequences.truncate(text, at: job.group.until))
            }
        }
        var texts = [String](repeating: "", count: requests.count)
        for (index, text) in outputs.flatMap({ $0 }) { texts[index] = text }
        return texts.map { GenerationResult(text: $0) }
    }

    // MARK: - HTTP

    private func endpoint(_ path: String) -> String { HTTPClient.redact(configuration.baseURL + path) }

    private func postJSON(path: String, body: JSONValue) async throws -> JSONValue {
        let request = HTTPRequest(method: "POST", url: configuration.baseURL + path,
                                  headers: ["Content-Type": "application/json"],
                                  body: body.serializedData(indent: nil), timeout: configuration.timeout)
        let response = try await client.send(request)
        try response.requireSuccess()
        return try response.json()
    }

    /// The `choices` of a completions response, sorted by `index`, checked to number `expected`.
    private func completionChoices(body: JSONValue, expected: Int) async throws -> [JSONValue] {
        let json = try await postJSON(path: "/v1/completions", body: body)
        guard let choices = json["choices"]?.arrayValue else {
            throw EngineError.malformedResponse(endpoint: endpoint("/v1/completions"), detail: "no 'choices' array")
        }
        guard choices.count == expected else {
            throw EngineError.malformedResponse(endpoint: endpoint("/v1/completions"), detail: "\(choices.count) choices for \(expected) prompts")
        }
        return choices.enumerated().sorted { ($0.element["index"]?.intValue ?? $0.offset) < ($1.element["index"]?.intValue ?? $1.offset) }.map(\.element)
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
