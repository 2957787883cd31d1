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
