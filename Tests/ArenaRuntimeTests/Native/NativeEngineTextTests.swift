import ArenaRuntime
import Foundation
import Testing

/// The engine through the `LanguageModelEngine` protocol: text in, with the committed tokenizer.
@Suite("Native engine on text")
struct NativeEngineTextTests {
    static func engine(_ folder: URL = NativeTestSupport.tinyLlama, threads: Int = 2) throws -> NativeEngine {
        try NativeEngine(folder: folder, threads: threads)
    }

    @Test("tokenize adds no special tokens and detokenize inverts it")
    func tokenizeRoundTrip() async throws {
        let engine = try Self.engine()
        let tokenizer = try Tokenizer(folder: NativeTestSupport.tinyLlama)
        let text = "Question: what is 12 + 30?\nAnswer: 42"
        let ids = try await engine.tokenize(text)
        #expect(ids == tokenizer.encode(text, addSpecialTokens: false))
        #expect(!ids.isEmpty && ids.first != tokenizer.bosTokenId)
        #expect(try await engine.detokenize(ids) == text)
    }

    @Test("loglikelihood requests follow lm-eval's context/continuation split and agree with the reference", arguments: [NativeTestSupport.tinyLlama, NativeTestSupport.tinyQwen2])
    func loglikelihoodOfText(folder: URL) async throws {
        let engine = try Self.engine(folder)
        let tokenizer = try Tokenizer(folder: folder)
        let requests = [
            LoglikelihoodRequest(context: "The capital of France is ", continuation: "Paris"),
            LoglikelihoodRequest(context: "Q: 2 + 2 =", continuation: " 4"),
            LoglikelihoodRequest(context: "", continuation: "hello world"),
        ]
        let results = try await engine.loglikelihood(requests)
        #expect(results.count == requests.count)
        for (request, result) in zip(requests, results) {
            let encoded = ContinuationEncoding.encode(context: request.context, continuation: request.continuation) { tokenizer.encode($0, addSpecialTokens: false) }
            // An empty context is replaced by the tokenizer's BOS token, as lm-eval's prefix token.
            let tokens = encoded.contextLength == 0 ? [tokenizer.bosTokenId ?? -1] + encoded.tokens : encoded.tokens
            let contextLength = max(encoded.contextLength, 1)
            let reference = try NativeTestSupport.referenceLogits(model: folder, tokens: tokens)
            var expected = 0.0
            for position in contextLength ..< tokens.count {
                expected += NativeEngineTokenTests.referenceLogprob(reference[position - 1], tokens[position])
            }
            #expect(abs(result.logprob - expected) < 1e-4, "\(request): \(result.logprob) vs \(expected)")
            #expect(result.logprob < 0)
        }
    }

    @Test("generation returns the text before the earliest stop string")
    func stopStrings() async throws {
        let engine = try Self.engine()
        let prompt = "Once upon a time"
        let free = try await engine.generate([GenerationRequest(prompt: prompt, until: [], maxTokens: 24)])[0].text
        let characters = Array(free)
        try #require(characters.count >= 8, "the free generation is too short to pick stop strings from: \(free.debugDescription)")
        let early = String(characters[4 ..< 6]), late = String(characters[6 ..< 8])
        let expected = String(free[..<(free.range(of: early)?.lowerBound ?? free.endIndex)])
        let stopped = try await engine.generate([
            GenerationRequest(prompt: prompt, until: [late, early], maxTokens: 24),
            GenerationRequest(prompt: prompt, until: [early], maxTokens: 24),
        ])
        #expect(stopped[0].text == expected)
        #expect(stopped[1].text == expected)
        #expect(!stopped[0].text.contains(early))
        #expect(expected.count < free.count, "free generation: \(free.debugDescription)")
    }

    @Test("a batch of generations gives each request's text alone, on any thread count")
    func batchedGeneration() async throws {
        let prompts = ["Once upon a time", "The answer is", "Q: why?\nA:", "1, 2, 3,"]
        let requests = prompts.map { GenerationRequest(prompt: $0, until: ["\n\n"], maxTokens: 12) }
        let alone = try await prompts.indices.asyncMap { try await Self.engine(threads: 1).generate([requests[$0]])[0] }
        for threads in [1, 2, 4] {
            #expect(try await Self.engine(threads: threads).generate(requests) == alone, "threads \(threads)")
        }
        #expect(Set(alone.map(\.text)).count > 1)
    }

    @Test("concurrent calls on one engine give the same results as calls one at a time")
    func concurrentCalls() async throws {
        let engine = try Self.engine()
        let a = [LoglikelihoodRequest(context: "Paris is in", continuation: " France"), LoglikelihoodRequest(context: "Rome is in", continuation: " Italy")]
        let b = [LoglikelihoodRequest(context: "1 + 1 =", continuation: " 2")]
        let g = [GenerationRequest(prompt: "Hello", until: ["\n"], maxTokens: 6)]
        let sequential = (try await engine.loglikelihood(a), try await engine.loglikelihood(b), try await engine.generate(g))
        async let x = engine.loglikelihood(a)
        async let y = engine.loglikelihood(b)
        async let z = engine.generate(g)
        let concurrent = try await (x, y, z)
        #expect(concurrent.0 == sequential.0 && concurrent.1 == sequential.1 && concurrent.2 == sequential.2)
    }

    @Test("max tokens bounds the generation")
    func maxTokens() async throws {
        let engine = try Self.engine()
        let tokenizer = try Tokenizer(folder: NativeTestSupport.tinyLlama)
        let promptIds = tokenizer.encode("Once upon a time", addSpecialTokens: false)
        let ids = try engine.generateTokens(promptTokens: promptIds, maxTokens: 5)
        let text = try await engine.generate([GenerationRequest(prompt: "Once upon a time", until: ["\u{1}never"], maxTokens: 5)])[0].text
        #expect(ids.count == 5)
        #expect(text == tokenizer.decode(ids))
        let longer = try engine.generateTokens(promptTokens: promptIds, maxTokens: 9)
        #expect(Array(longer.prefix(5)) == ids && longer.count == 9)
    }

    @Test("sampling and engines without a tokenizer are refused with a clear error")
    func refusals() async throws {
        let engine = try Self.engine()
        await #expect(throws: NativeEngineError.samplingNotSupported(reason: "decodes greedily; temperature 0.7 is not supported (use 0)")) {
            try await engine.generate([GenerationRequest(prompt: "x", until: [], maxTokens: 2, temperature: 0.7)])
        }
        await #expect(throws: NativeEngineError.samplingNotSupported(reason: "decodes greedily; top_k applies only to sampling")) {
            try await engine.generate([GenerationRequest(prompt: "x", until: [], maxTokens: 2, temperature: 0, topK: 5)])
        }
        let bare = try NativeEngine(model: engine.model, tokenizer: nil, threads: 1)
        await #expect(throws: NativeEngineError.noTokenizer(folder: NativeTestSupport.tinyLlama.path)) {
            try await bare.loglikelihood([LoglikelihoodRequest(context: "a", continuation: " b")])
        }
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
