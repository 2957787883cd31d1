import Foundation

/// One (context, continuation) pair whose log-probability the scorer needs, as lm-eval's
/// `loglikelihood` requests are: the continuation already carries the target delimiter.
public struct LoglikelihoodRequest: Sendable, Hashable {
    public var context: String
    public var continuation: String

    public init(context: String, continuation: String) {
        self.context = context
        self.continuation = continuation
    }
}

public struct LoglikelihoodResult: Sendable, Hashable {
    /// Sum of the continuation tokens' log-probabilities.
    public var logprob: Double
    /// True when every continuation token is the argmax at its position.
    public var isGreedy: Bool
    /// Tokens cut from the start of the context to fit the model (`ContextWindow`); 0 when the
    /// model saw the whole request.
    public var truncatedTokens: Int

    public init(logprob: Double, isGreedy: Bool, truncatedTokens: Int = 0) {
        self.logprob = logprob
        self.isGreedy = isGreedy
        self.truncatedTokens = truncatedTokens
    }
}

public struct GenerationRequest: Sendable, Hashable {
    public var prompt: String
    /// Stop strings; the returned text ends before the first one found.
    public var until: [String]
    public var maxTokens: Int
    public var temperature: Double
    public var seed: Int?
    /// Sampling cut-offs; nil leaves the server's default. Greedy decoding (temperature 0) ignores them.
    public var topK: Int?
    public var topP: Double?

    public init(prompt: String, until: [String], maxTokens: Int = 256, temperature: Double = 0, seed: Int? = nil,
                topK: Int? = nil, topP: Double? = nil) {
        self.prompt = prompt
        self.until = until
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.seed = seed
        self.topK = topK
        self.topP = topP
    }
}

public struct GenerationResult: Sendable, Hashable {
    public var text: String
    /// Tokens cut from the start of the prompt to leave room for the generation (`ContextWindow`).
    public var truncatedTokens: Int

    public init(text: String, truncatedTokens: Int = 0) {
        self.text = text
        self.truncatedTokens = truncatedTokens
    }
}

/// What an engine reports about itself; recorded in the bundle and part of request-cache keys.
public struct EngineIdentity: Sendable, Hashable, Codable {
    /// "native", "vllm", "sglang" or "endpoint".
    public var kind: String
    /// Image digest, server version or native engine version: whatever pins the numerics.
    public var version: String
    /// The model as the engine serves it (id and commit, or a local folder's content hash).
    public var model: String

    public init(kind: String, version: String, model: String) {
        self.kind = kind
        self.version = version
        self.model = model
    }
}

/// The one protocol through which the scorer talks to any engine (native, vLLM, SGLang, endpoint).
/// The scorer never knows which one it has. Results come back in request order.
public protocol LanguageModelEngine: Sendable {
    var identity: EngineIdentity { get }
    /// How requests longer than the model are cut, and the model length they are cut to.
    var contextWindow: ContextWindow { get }
    func tokenize(_ text: String) async throws -> [Int]
    func detokenize(_ tokens: [Int]) async throws -> String
    func loglikelihood(_ requests: [LoglikelihoodRequest]) async throws -> [LoglikelihoodResult]
    func generate(_ requests: [GenerationRequest]) async throws -> [GenerationResult]
}

/// lm-eval's `TemplateLM._encode_pair`: trailing whitespace of the context moves to the front of
/// the continuation; the continuation's tokens are `tok(ctx + cont)[len(tok(ctx)):]`.
public enum ContinuationEncoding {
    public static func split(context: String, continuation: String) -> (context: String, continuation: String) {
        var ctx = Substring(context)
        var moved = ""
        while let last = ctx.last, last.isWhitespace {
            moved = String(last) + moved
            ctx = ctx.dropLast()
        }
        return (String(ctx), moved + continuation)
    }

    /// The token ids lm-eval sends for a pair: `tok(ctx) + tok(ctx + cont)[len(tok(ctx)):]`, and how
    /// many of them are context. (The ids are not `tok(ctx + cont)` when the context's tokens are not a
    /// prefix of the whole's; lm-eval sends exactly this concatenation.)
    public static func encode(context: String, continuation: String, tokenize: (String) throws -> [Int]) rethrows -> (tokens: [Int], contextLength: Int) {
        let (ctx, cont) = split(context: context, continuation: continuation)
        let whole = try tokenize(ctx + cont)
        let contextTokens = try tokenize(ctx)
        let continuationTokens = whole.count > contextTokens.count ? Array(whole[contextTokens.count...]) : []
        return (contextTokens + continuationTokens, contextTokens.count)
    }
}

extension ContinuationEncoding {
    /// `encode` for tokenizers that are reached asynchronously (a server's /tokenize).
    public static func encode(context: String, continuation: String, tokenize: (String) async throws -> [Int]) async throws -> (tokens: [Int], contextLength: Int) {
        let (ctx, cont) = split(context: context, continuation: continuation)
        let whole = try await tokenize(ctx + cont)
        let contextTokens = try await tokenize(ctx)
        let continuationTokens = whole.count > contextTokens.count ? Array(whole[contextTokens.count...]) : []
        return (contextTokens + continuationTokens, contextTokens.count)
    }
}
