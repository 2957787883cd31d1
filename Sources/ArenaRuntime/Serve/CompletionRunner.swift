import Foundation

/// Computes `/v1/completions` choices for one served model, with vLLM's semantics: text prompts
/// are encoded with special tokens, token-id prompts used as given; `echo` puts the prompt before
/// the completion (text, tokens and log-probabilities, the first prompt token's being null);
/// an EOS token ends the completion and is listed among its tokens but not in its text;
/// `logprobs: k` gives each token's log-probability and the `k` most likely tokens with the token
/// itself; generation stops at `max_tokens`, an EOS token or a stop string (cut from the text).
struct CompletionRunner: Sendable {
    let served: ServedModel

    struct Choice: Sendable {
        var text: String
        var logprobs: JSONValue
        var finishReason: String
        var promptTokens: Int
        var completionTokens: Int
    }

    func run(_ request: CompletionRequest) async throws -> [Choice] {
        if let name = request.model, name != served.name {
            throw ServeAPIError.notFound("The model `\(name)` does not exist.")
        }
        guard let backend = served.tokenLevel else { return try await runOnEngine(request) }
        // Model computation runs on a dispatch thread, never holding one of Swift concurrency's
        // few cooperative threads (which also serve the server's connections) for seconds.
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try request.prompts.map { try runTokenLevel(request, prompt: $0, backend: backend) } })
            }
        }
    }

    /// Engines without token-level access: text prompts, no echo or log-probabilities.
    private func runOnEngine(_ request: CompletionRequest) async throws -> [Choice] {
        guard !request.echo, request.logprobs == nil else {
            throw ServeAPIError.badRequest("this model's engine does not give token log-probabilities: 'echo' and 'logprobs' are not available")
        }
        let texts = try request.prompts.map { prompt -> String in
            guard case let .text(text) = prompt else { throw ServeAPIError.badRequest("this model's engine takes text prompts only", param: "prompt") }
            return text
        }
        let results = try await served.engine.generate(texts.map {
            GenerationRequest(prompt: $0, until: request.stop, maxTokens: request.maxTokens, temperature: request.temperature, seed: request.seed)
        })
        var choices: [Choice] = []
        for (prompt, result) in zip(texts, results) {
            let promptTokens = try await served.engine.tokenize(prompt).count
            let completionTokens = try await served.engine.tokenize(result.text).count
            let stopped = completionTokens < request.maxTokens
            choices.append(Choice(text: result.text, logprobs: .null, finishReason: stopped ? "stop" : "length", promptTokens: promptTokens, completionTokens: completionTokens))
        }
        return choices
    }

    private func runTokenLevel(_ request: CompletionRequest, prompt: CompletionRequest.Prompt, backend: ServedModel.TokenLevelBackend) throws -> Choice {
        let tokenizer = backend.tokenizer, model = backend.model
        // The echoed prompt is the request's own text, or the ids' text for token prompts (as vLLM).
        let ids: [Int], promptText: String
        switch prompt {
        case let .text(text): (ids, promptText) = (tokenizer.encode(text, addSpecialTokens: request.addSpecialTokens), text)
        case let .tokens(given): (ids, promptText) = (given, tokenizer.decode(given))
        }
        guard !ids.isEmpty else { throw ServeAPIError.badRequest("the prompt is empty (no tokens)", param: "prompt") }
        if let bad = ids.first(where: { $0 < 0 || $0 >= model.vocabularySize }) {
            throw ServeAPIError.badRequest("token id \(bad) is outside the vocabulary 0..<\(model.vocabularySize)", param: "prompt")
        }
        let limit = model.maxModelLength
        guard ids.count + request.maxTokens <= limit else {
            throw ServeAPIError.badRequest("This model's maximum context length is \(limit) tokens. However, you requested \(ids.count + request.maxTokens) tokens (\(ids.count) in the messages, \(request.maxTokens) in the completion). Please reduce the length of the messages or completion.", param: "prompt")
        }
        let wantLogprobs = request.logprobs
        let scorePrompt = request.echo && wantLogprobs != nil
        var scored: [TokenLogprob?] = []
        var generated: [Int] = []
        var finishReason = "length"
        var sampler = TokenSampler(temperature: request.temperature, seed: request.seed)
        var text = ""
        if request.maxTokens > 0 || scorePrompt {
            // One pass over the prompt: rows for its own tokens when echoing, and the first next-token row.
            let firstRow = scorePrompt ? 0 : ids.count - 1
            let decoding = try model.startDecoding(ids, positions: firstRow ..< ids.count, capacity: ids.count + request.maxTokens)
            var rows = decoding.rows
            if scorePrompt {
                scored.append(nil)
                for position in 1 ..< ids.count { scored.append(TokenLogprob(row: rows[position - 1], id: ids[position], top: wantLogprobs ?? 0)) }
            }
            var row = rows.removeLast()
            while generated.count < request.maxTokens {
                let next = sampler.next(row)
                generated.append(next)
                if wantLogprobs != nil { scored.append(TokenLogprob(row: row, id: next, top: wantLogprobs ?? 0)) }
                // An EOS token counts as generated (tokens, logprobs, usage) but adds no text, as in vLLM.
                if model.stopTokenIds.contains(next) {
                    finishReason = "stop"
                    break
                }
                text = tokenizer.decode(generated, skipSpecialTokens: true)
                if let cut = Self.firstStop(in: text, stops: request.stop) {
                    text = String(text[..<cut])
                    finishReason = "stop"
                    break
                }
                if generated.count == request.maxTokens { break }
                row = try decoding.session.append(next)
            }
        }
        let shownTokens = (request.echo ? ids : []) + generated
        let logprobs: JSONValue = wantLogprobs == nil ? .null : Self.logprobsObject(
            tokens: shownTokens, scores: request.echo ? scored : Array(scored.suffix(generated.count)), tokenizer: tokenizer)
        return Choice(text: (request.echo ? promptText : "") + text, logprobs: logprobs, finishReason: finishReason,
                      promptTokens: ids.count, completionTokens: generated.count)
    }

    /// vLLM's completion `logprobs` object; offsets count characters (code points) of each
    /// token's own decoded text.
    private static func logprobsObject(tokens: [Int], scores: [TokenLogprob?], tokenizer: Tokenizer) -> JSONValue {
        var texts: [JSONValue] = [], logprobs: [JSONValue] = [], tops: [JSONValue] = [], offsets: [JSONValue] = []
        var offset = 0
        for (index, id) in tokens.enumerated() {
            let text = tokenizer.decode([id])
            texts.append(.string(text))
            offsets.append(.int(offset))
            offset += text.unicodeScalars.count
            guard index < scores.count, let score = scores[index] else {
                logprobs.append(.null)
                tops.append(.null)
                continue
            }
            logprobs.append(.double(score.logprob))
            var top: [String: JSONValue] = [:]
            for (topId, value) in score.top.reversed() { top[tokenizer.decode([topId])] = .double(value) }
            tops.append(.object(top))
        }
        return .object(["tokens": .array(texts), "token_logprobs": .array(logprobs), "top_logprobs": .array(tops), "text_offset": .array(offsets)])
    }

    static func firstStop(in text: String, stops: [String]) -> String.Index? {
        var best: String.Index?
        for stop in stops {
            if let range = text.range(of: stop, options: .literal), best.map({ range.lowerBound < $0 }) ?? true { best = range.lowerBound }
        }
        return best
    }
}

/// One token's log-probability and the most likely tokens at its position (the token itself
/// first, then the `top` best), floored at -9999 as vLLM does.
struct TokenLogprob {
    let logprob: Double
    let top: [(id: Int, logprob: Double)]

    init(row: [Double], id: Int, top k: Int) {
        logprob = max(row[id], -9999)
        var entries = [(id: id, logprob: logprob)]
        for best in TokenSampler.top(row, k) where best != id { entries.append((best, max(row[best], -9999))) }
        top = entries
    }
}
