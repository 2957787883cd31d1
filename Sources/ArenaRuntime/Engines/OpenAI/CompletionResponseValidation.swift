import Foundation

/// What is wrong with a server's answer that is valid JSON. Thrown while an answer is read, before
/// it is cached, so a wrong answer is never stored and the request is sent again on the next run.
public struct ResponseProblem: Error, CustomStringConvertible, Equatable {
    public let detail: String
    public init(_ detail: String) { self.detail = detail }
    public var description: String { "unexpected response: \(detail)" }
}

/// The complete checks of every answer the completions engine reads, each turning the bytes into
/// the values scoring uses. An answer passes only when it is exactly what the request asked for:
/// one choice per prompt with indices 0..<n, text for generations, an echoed log-probability for
/// every prompt token plus the one generated token, every log-probability that is scored finite.
enum CompletionResponseValidation {
    /// The loglikelihoods of one echoed batch (each prompt as it was fitted to the context: its
    /// token ids, how many are context, how many were cut), as lm-eval sums them: `token_logprobs[ctxlen:-1]`.
    static func loglikelihoods(_ data: Data, batch: [ContextWindow.Fitted]) throws -> [LoglikelihoodResult] {
        let choices = try ordered(try CompletionResponseDecoding.echoedChoices(data), expected: batch.count, body: data, index: \.index)
        var results: [LoglikelihoodResult] = []
        results.reserveCapacity(batch.count)
        for (number, (choice, input)) in zip(choices, batch).enumerated() {
            guard let tokenLogprobs = choice.tokenLogprobs else {
                throw ResponseProblem("choice \(number) has no logprobs.token_logprobs list (does the server support echo?)")
            }
            // The prompt echoed, then the one generated token.
            guard tokenLogprobs.count == input.tokens.count + 1 else {
                throw ResponseProblem("choice \(number) echoed \(tokenLogprobs.count) log-probabilities for a prompt of \(input.tokens.count) tokens (expected \(input.tokens.count + 1): every prompt token and the one generated token)")
            }
            let end = tokenLogprobs.count - 1
            guard input.contextLength > 0, input.contextLength <= end else {
                throw ResponseProblem("echoed \(tokenLogprobs.count) logprobs for a prompt of \(input.tokens.count) tokens (context \(input.contextLength))")
            }
            let top = choice.topBest
            var sum = 0.0
            var greedy = true
            for position in input.contextLength..<end {
                guard let value = tokenLogprobs[position] else {
                    throw ResponseProblem("choice \(number): null log-probability at position \(position)")
                }
                guard value.isFinite else {
                    throw ResponseProblem("choice \(number): log-probability \(PythonFloat.repr(value)) at position \(position) (a log-probability must be a finite number)")
                }
                sum += value
                let best = position < top.count ? top[position] : nil
                if let best, !best.isFinite {
                    throw ResponseProblem("choice \(number): top log-probability \(PythonFloat.repr(best)) at position \(position) (a log-probability must be a finite number)")
                }
                if best == nil || value != best { greedy = false }
            }
            results.append(LoglikelihoodResult(logprob: sum, isGreedy: greedy, truncatedTokens: input.droppedTokens))
        }
        return results
    }

    /// The texts of one generation batch, in prompt order.
    static func generations(_ data: Data, count: Int) throws -> [String] {
        let json = try JSONValue.parse(data)
        let choices = try ordered(json["choices"]?.arrayValue, expected: count, body: data) { $0["index"]?.intValue }
        return try choices.enumerated().map { number, choice in
            guard let text = choice["text"]?.stringValue else {
                throw ResponseProblem("choice \(number) has no string 'text'")
            }
            return text
        }
    }

    /// The token ids of one `/tokenize` answer for `text`.
    static func tokens(_ data: Data, text: String) throws -> [Int] {
        switch try CompletionResponseDecoding.tokenize(data) {
        case let .tokens(ids):
            if let bad = ids.first(where: { $0 < 0 }) { throw ResponseProblem("negative token id \(bad) in 'tokens'") }
            if ids.isEmpty, !text.isEmpty { throw ResponseProblem("no tokens for a text of \(text.utf8.count) bytes") }
            return ids
        case .missing:
            throw ResponseProblem("no integer list 'tokens'" + said(data))
        case .nonInteger:
            throw ResponseProblem("non-integer entries in 'tokens'")
        }
    }

    /// The text of one `/detokenize` answer.
    static func detokenized(_ data: Data) throws -> String {
        guard let text = try JSONValue.parse(data)["prompt"]?.stringValue else {
            throw ResponseProblem("no string 'prompt'" + said(data))
        }
        return text
    }

    /// Choices present, `expected` of them, in `index` order. Indices, where given, must be
    /// 0..<expected, each once (list position stands in for a missing index).
    static func ordered<Choice>(_ choices: [Choice]?, expected: Int, body: Data, index: (Choice) -> Int?) throws -> [Choice] {
        guard let choices else { throw ResponseProblem("no 'choices' array" + said(body)) }
        guard choices.count == expected else {
            throw ResponseProblem("\(choices.count) choices for \(expected) prompt\(expected == 1 ? "" : "s")" + said(body))
        }
        let indices = choices.enumerated().map { index($0.element) ?? $0.offset }
        guard indices.sorted() == Array(0..<expected) else {
            throw ResponseProblem("choice indices \(indices) are not 0..<\(expected), each once")
        }
        var placed = [Choice?](repeating: nil, count: expected)
        for (choice, position) in zip(choices, indices) { placed[position] = choice }
        return placed.compactMap { $0 }
    }

    /// The server's own words, when a body that should hold choices carries an error instead
    /// (some servers answer an error with status 200).
    private static func said(_ body: Data) -> String {
        guard let json = try? JSONValue.parse(body), json["error"] != nil || json["detail"] != nil || json["message"] != nil else { return "" }
        return "; the server said: \(HTTPClient.serverMessage(body))"
    }
}
