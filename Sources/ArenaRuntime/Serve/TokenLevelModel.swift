/// A language model seen token by token: what `arena-script serve` needs beyond
/// `LanguageModelEngine` to answer echo/logprobs requests and token-id prompts as vLLM does.
/// The native engine provides it; any model that can give next-token distributions can.
public protocol TokenLevelModel: Sendable {
    /// Size of each next-token distribution.
    var vocabularySize: Int { get }
    /// The longest sequence (prompt plus generated tokens) the model accepts.
    var maxModelLength: Int { get }
    /// Tokens that end a generation (EOS).
    var stopTokenIds: Set<Int> { get }
    /// `log_softmax` of the next-token logits after each prefix `ids[...p]`, for `p` in
    /// `positions` (one row of `vocabularySize` values per position, in order).
    func nextTokenLogprobs(_ ids: [Int], positions: Range<Int>) throws -> [[Double]]
    /// `nextTokenLogprobs(ids, positions)` plus a session that continues the sequence one token
    /// at a time, for sequences of at most `capacity` tokens (a model with a key/value cache
    /// avoids recomputing the prefix; the default recomputes it).
    func startDecoding(_ ids: [Int], positions: Range<Int>, capacity: Int) throws -> (rows: [[Double]], session: any TokenDecodingSession)
}

/// Next-token distributions of a sequence that grows by one token at a time.
public protocol TokenDecodingSession: AnyObject {
    /// Appends `id` to the sequence; returns the distribution of the token after it.
    func append(_ id: Int) throws -> [Double]
}

extension TokenLevelModel {
    public func startDecoding(_ ids: [Int], positions: Range<Int>, capacity: Int) throws -> (rows: [[Double]], session: any TokenDecodingSession) {
        (try nextTokenLogprobs(ids, positions: positions), RecomputingDecodingSession(model: self, ids: ids))
    }
}

/// A session that recomputes the whole sequence for each token.
final class RecomputingDecodingSession: TokenDecodingSession {
    private let model: any TokenLevelModel
    private var ids: [Int]

    init(model: any TokenLevelModel, ids: [Int]) {
        self.model = model
        self.ids = ids
    }

    func append(_ id: Int) throws -> [Double] {
        ids.append(id)
        return try model.nextTokenLogprobs(ids, positions: ids.count - 1 ..< ids.count)[0]
    }
}

/// What the server serves: a name, the engine, and, when the model has one, its tokenizer and
/// token-level interface (needed for echo, logprobs and token-id prompts).
public struct ServedModel: Sendable {
    public var name: String
    public var engine: any LanguageModelEngine
    public var tokenLevel: TokenLevelBackend?

    public struct TokenLevelBackend: Sendable {
        public var tokenizer: Tokenizer
        public var model: any TokenLevelModel
        public init(tokenizer: Tokenizer, model: any TokenLevelModel) {
            self.tokenizer = tokenizer
            self.model = model
        }
    }

    public init(name: String, engine: any LanguageModelEngine, tokenLevel: TokenLevelBackend? = nil) {
        self.name = name
        self.engine = engine
        self.tokenLevel = tokenLevel
    }
}
