/// How a request is fitted into a model's positions, by lm-eval 0.4.13's rules: what does not fit
/// is cut from the left of the context. Every engine calls this one type, so the arithmetic lives
/// in one place; which rule an engine follows is the lm-eval model class it mirrors.
public struct ContextWindow: Sendable, Hashable, CustomStringConvertible {
    public enum Rule: String, Sendable, CaseIterable {
        /// `local-completions` (lm-eval's `TemplateAPI`): its `max_length` is the configured one
        /// minus 1, "as we always have 1 token for generation". Server engines follow it.
        case localCompletions = "local-completions"
        /// `hf` (lm-eval's `HFLM`, causal): the model reads at most `max_length` tokens. The native
        /// engine, which runs the model in process as HFLM does, follows it.
        case huggingFace = "hf"
    }

    /// The model's positions: the server's max model length, or `max_position_embeddings`.
    public var maxLength: Int
    public var rule: Rule

    public init(maxLength: Int, rule: Rule) {
        self.maxLength = maxLength
        self.rule = rule
    }

    /// lm-eval's `self.max_length` under this rule.
    var lmEvalMaxLength: Int { rule == .localCompletions ? maxLength - 1 : maxLength }

    /// Tokens of context and continuation a loglikelihood request keeps: local-completions sends
    /// `(context_enc + continuation_enc)[-self.max_length:]`; HFLM keeps
    /// `[-(self.max_length + 1):]` and feeds all but the last.
    public var loglikelihoodTokens: Int { rule == .localCompletions ? lmEvalMaxLength : lmEvalMaxLength + 1 }

    /// Prompt tokens a generation keeps: `self.max_length - max_gen_toks` under both rules.
    public func generationPromptTokens(maxTokens: Int) -> Int { lmEvalMaxLength - maxTokens }

    /// A request after fitting: the tokens the model is given, how many of them are context, and
    /// how many tokens were cut from the start of the context.
    public struct Fitted: Sendable, Equatable {
        public var tokens: [Int]
        public var contextLength: Int
        public var droppedTokens: Int
    }

    /// `tokens` is context (`contextLength` of them) then continuation. The continuation is never
    /// cut; at least one context token stays, as both lm-eval classes require (`ctxlen > 0`,
    /// `len(continuation_enc) <= self.max_length`).
    public func loglikelihood(tokens: [Int], contextLength: Int) throws -> Fitted {
        let continuation = tokens.count - contextLength
        let keep = loglikelihoodTokens
        guard continuation < keep else {
            throw ContextWindowError.continuationTooLong(continuation: continuation, window: self)
        }
        let dropped = max(0, tokens.count - keep)
        return Fitted(tokens: Array(tokens[dropped...]), contextLength: contextLength - dropped, droppedTokens: dropped)
    }

    /// A generation prompt keeps its last `generationPromptTokens(maxTokens:)` tokens. lm-eval's
    /// HFLM asserts that this is positive; local-completions would slice nonsense, so both refuse.
    public func generation(prompt: [Int], maxTokens: Int) throws -> Fitted {
        let keep = generationPromptTokens(maxTokens: maxTokens)
        guard keep > 0 else { throw ContextWindowError.noRoomForPrompt(maxTokens: maxTokens, window: self) }
        let dropped = max(0, prompt.count - keep)
        let kept = Array(prompt[dropped...])
        return Fitted(tokens: kept, contextLength: kept.count, droppedTokens: dropped)
    }

    /// "max_length 512 (lm-eval's hf rule)".
    public var description: String { "max_length \(maxLength) (lm-eval's \(rule.rawValue) rule)" }
}

public enum ContextWindowError: Error, CustomStringConvertible, Equatable {
    case continuationTooLong(continuation: Int, window: ContextWindow)
    case noRoomForPrompt(maxTokens: Int, window: ContextWindow)

    public var description: String {
        switch self {
        case let .continuationTooLong(continuation, window):
            return "a continuation of \(continuation) tokens leaves no room for its context within \(window.description), "
                + "which keeps \(window.loglikelihoodTokens) tokens of context and continuation"
        case let .noRoomForPrompt(maxTokens, window):
            return "generating up to \(maxTokens) tokens leaves no room for the prompt within \(window.description), "
                + "which keeps \(window.generationPromptTokens(maxTokens: maxTokens)) prompt tokens; lower max_gen_toks or raise the model length"
        }
    }
}
