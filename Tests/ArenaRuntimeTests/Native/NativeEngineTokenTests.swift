@testable import ArenaRuntime
import Foundation
import Testing

/// The engine's token-level scoring and greedy generation, checked against the numpy reference.
@Suite("Native engine scoring and generation on token ids")
struct NativeEngineTokenTests {
    /// log_softmax(row)[target] computed from the reference's float64 logits.
    static func referenceLogprob(_ row: [Double], _ target: Int) -> Double {
        let maximum = row.max() ?? 0
        return row[target] - maximum - log(row.reduce(0) { $0 + exp($1 - maximum) })
    }

    @Test("loglikelihood and is-greedy agree with the reference", arguments: [NativeTestSupport.tinyLlama, NativeTestSupport.tinyQwen2])
    func loglikelihoodMatchesReference(folder: URL) throws {
        let model = try NativeModel(folder: folder)
        let engine = try NativeEngineHarness.engine(model, threads: 2)
        let tokens = NativeTestSupport.tokens(count: 30, vocab: 512, seed: 17)
        let reference = try NativeTestSupport.referenceLogits(model: folder, tokens: tokens)
        for contextLength in [1, 12, 29] {
            var expected = 0.0
            var greedy = true
            for position in contextLength ..< tokens.count {
                let row = reference[position - 1]
                expected += Self.referenceLogprob(row, tokens[position])
                greedy = greedy && row.firstIndex(of: row.max() ?? 0) == tokens[position]
            }
            let result = try engine.loglikelihood(tokens: tokens, contextLength: contextLength)
            #expect(abs(result.logprob - expected) < 1e-4 * Double(tokens.count - contextLength), "context \(contextLength): \(result.logprob) vs \(expected)")
            #expect(result.isGreedy == greedy)
        }
        // A continuation made of the reference's own argmax tokens is greedy.
        var greedyTokens = Array(tokens.prefix(10))
        for _ in 0 ..< 3 {
            let row = try NativeTestSupport.referenceLogits(model: folder, tokens: greedyTokens).last ?? []
            greedyTokens.append(row.firstIndex(of: row.max() ?? 0) ?? 0)
        }
        #expect(try engine.loglikelihood(tokens: greedyTokens, contextLength: 10).isGreedy)
    }

    @Test("an empty context is scored after the BOS token, as lm-eval does")
    func emptyContextUsesPrefixToken() throws {
        let folder = try NativeTestSupport.generate(["--preset", "tiny-llama", "--bos", "3", "--eos", "4"])
        let engine = try NativeEngineHarness.engine(try NativeModel(folder: folder), threads: 1)
        let continuation = [10, 20, 30]
        let empty = try engine.loglikelihood(tokens: continuation, contextLength: 0)
        let explicit = try engine.loglikelihood(tokens: [3] + continuation, contextLength: 1)
        #expect(empty.logprob.bitPattern == explicit.logprob.bitPattern)
        let bare = try NativeTestSupport.copyModel(NativeTestSupport.tinyQwen2) { config in
            config["bos_token_id"] = .null
            config["eos_token_id"] = .null
        }
        let noPrefix = try NativeEngineHarness.engine(try NativeModel(folder: bare), threads: 1)
        #expect(throws: NativeEngineError.self) { try noPrefix.loglikelihood(tokens: continuation, contextLength: 0) }
    }

    @Test("sequences longer than max_position_embeddings lose tokens on the left, and say how many")
    func leftTruncation() throws {
        let folder = try NativeTestSupport.generate(["--preset", "tiny-llama", "--max-positions", "16"])
        let engine = try NativeEngineHarness.engine(try NativeModel(folder: folder), threads: 1)
        #expect(engine.contextWindow == ContextWindow(maxLength: 16, rule: .huggingFace))
        let tokens = NativeTestSupport.tokens(count: 40, vocab: 512, seed: 2)
        let long = try engine.loglikelihood(tokens: tokens, contextLength: 36)
        // lm-eval's HFLM keeps the last max_length + 1 tokens and feeds all but the last.
        let kept = try engine.loglikelihood(tokens: Array(tokens.suffix(17)), contextLength: 13)
        #expect(long.logprob.bitPattern == kept.logprob.bitPattern)
        #expect(long.truncatedTokens == 23)
        #expect(kept.truncatedTokens == 0)
        #expect(throws: ContextWindowError.continuationTooLong(continuation: 38, window: engine.contextWindow)) {
            try engine.loglikelihood(tokens: tokens, contextLength: 2)
        }
    }

    @Test("a long generation prompt keeps its last max_position_embeddings - maxTokens tokens, and says how many it lost")
    func generationLeftTruncation() async throws {
        let folder = try NativeTestSupport.copyModel(NativeTestSupport.tinyLlama) { $0["max_position_embeddings"] = .int(24) }
        let engine = try NativeEngine(folder: folder, threads: 1)
        let prompt = String(repeating: "Tom has 3 apples and buys 4 more. ", count: 6)
        let ids = try await engine.tokenize(prompt)
        try #require(ids.count > 24)
        let result = try await engine.generate([GenerationRequest(prompt: prompt, until: [], maxTokens: 8)])[0]
        #expect(result.truncatedTokens == ids.count - 16)
        let fromSuffix = try engine.generateTokens(promptTokens: Array(ids.suffix(16)), maxTokens: 8)
        #expect(try await engine.detokenize(fromSuffix) == result.text)
        let short = try await engine.generate([GenerationRequest(prompt: "Tom has", until: [], maxTokens: 8)])[0]
        #expect(short.truncatedTokens == 0)
        // HFLM asserts max_length - max_gen_toks > 0.
        await #expect(throws: ContextWindowError.noRoomForPrompt(maxTokens: 24, window: engine.contextWindow)) {
            try await engine.generate([GenerationRequest(prompt: prompt, until: [], maxTokens: 24)])
        }
    }

    @Test("greedy generation with the cache follows the reference's argmax chain")
    func greedyGenerationMatchesReference() throws {
        let folder = NativeTestSupport.tinyLlama
        let engine = try NativeEngineHarness.engine(try NativeModel(folder: folder), threads: 2)
        let prompt = NativeTestSupport.tokens(count: 12, vocab: 512, seed: 8)
        let generated = try engine.generateTokens(promptTokens: prompt, maxTokens: 8)
        #expect(generated.count == 8)
        let reference = try NativeTestSupport.referenceLogits(model: folder, tokens: prompt + generated.dropLast())
        for (i, token) in generated.enumerated() {
            let row = reference[prompt.count - 1 + i]
            #expect(row.firstIndex(of: row.max() ?? 0) == token, "generated token \(i)")
        }
    }

    @Test("generation stops at an EOS token and at max tokens")
    func generationStopsAtEOS() throws {
        // Find what the model generates, then declare its third token the EOS token.
        let plain = try NativeEngineHarness.engine(try NativeModel(folder: NativeTestSupport.tinyLlama), threads: 1)
        let prompt = NativeTestSupport.tokens(count: 6, vocab: 512, seed: 4)
        let free = try plain.generateTokens(promptTokens: prompt, maxTokens: 6)
        #expect(free.count == 6)
        #expect(try plain.generateTokens(promptTokens: prompt, maxTokens: 2) == Array(free.prefix(2)))
        let stopAt = free[2]
        try #require(!free.prefix(2).contains(stopAt), "the declared EOS must first appear third")
        let folder = try NativeTestSupport.generate(["--preset", "tiny-llama", "--eos", String(stopAt)])
        let withEOS = try NativeEngineHarness.engine(try NativeModel(folder: folder), threads: 1)
        #expect(try withEOS.generateTokens(promptTokens: prompt, maxTokens: 6) == Array(free.prefix(2)))
    }
}
