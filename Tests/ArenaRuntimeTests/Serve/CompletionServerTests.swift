import Foundation
import Testing
@testable import ArenaRuntime

/// `arena-script serve` driven over HTTP as vLLM's clients drive it, checked against the native
/// engine it serves.
@Suite struct CompletionServerTests {
    @Test func echoLogprobsEqualTheNativeEnginesLoglikelihood() async throws {
        try await ServeHarness.with { h in
            let pairs = [("Question: Which city is the capital of France?\nAnswer:", " Paris"),
                         ("The quick brown fox", " jumps over the lazy dog."), ("2 + 3 =", " 5")]
            let encoded = pairs.map { h.pairTokens(context: $0.0, continuation: $0.1) }
            let (status, json) = try await h.post("/v1/completions", .object([
                "model": .string("tiny-llama"), "prompt": .array(encoded.map { .ids($0.tokens) }),
                "max_tokens": .int(1), "temperature": .int(0), "logprobs": .int(1), "echo": .bool(true), "seed": .int(1234),
            ]))
            #expect(status == 200)
            let choices = try #require(json["choices"]?.arrayValue)
            #expect(choices.count == pairs.count)
            for (index, (pair, choice)) in zip(encoded, choices).enumerated() {
                #expect(choice["index"]?.intValue == index)
                let logprobs = try #require(choice["logprobs"])
                let tokenLogprobs = try #require(logprobs["token_logprobs"]?.arrayValue)
                let tops = try #require(logprobs["top_logprobs"]?.arrayValue)
                // Prompt tokens, then exactly one generated token; the first prompt token has no log-probability.
                #expect(tokenLogprobs.count == pair.tokens.count + 1)
                #expect(logprobs["tokens"]?.arrayValue?.count == pair.tokens.count + 1)
                #expect(logprobs["text_offset"]?.arrayValue?.count == pair.tokens.count + 1)
                #expect(tokenLogprobs[0] == .null && tops[0] == .null)
                // What lm-eval's parse_logprobs computes: sum of token_logprobs[ctxlen:-1], greedy when each equals its top.
                let continuation = tokenLogprobs[pair.contextLength ..< pair.tokens.count].compactMap(\.doubleValue)
                let greedy = Array(zip(tokenLogprobs, tops))[pair.contextLength ..< pair.tokens.count].allSatisfy { value, top in
                    value.doubleValue == top.objectValue?.values.compactMap { $0.doubleValue }.max()
                }
                let expected = try h.engine.loglikelihood(tokens: pair.tokens, contextLength: pair.contextLength)
                // Float32 logits from forward passes over different row counts agree to ~1e-7.
                #expect(abs(continuation.reduce(0, +) - expected.logprob) < 1e-6, "pair \(index)")
                #expect(greedy == expected.isGreedy)
                let generated = try h.engine.generateTokens(promptTokens: pair.tokens, maxTokens: 1)
                #expect(choice["text"]?.stringValue == h.tokenizer.decode(pair.tokens) + h.tokenizer.decode(generated, skipSpecialTokens: true))
            }
            #expect(json["usage"]?["completion_tokens"]?.intValue == pairs.count)
        }
    }

    @Test func greedyGenerationMatchesTheNativeEngine() async throws {
        try await ServeHarness.with { h in
            for (prompt, stop) in [("Q: What is 2 plus 3?\nA:", ["\n"]), ("The quick brown", [String]()), ("Once upon a time", ["e"])] {
                let (status, json) = try await h.post("/v1/completions", .object([
                    "prompt": .string(prompt), "max_tokens": .int(12), "temperature": .double(0.0),
                    "stop": .array(stop.map(JSONValue.string)),
                ]))
                #expect(status == 200)
                let choice = try #require(json["choices"]?[0])
                // Text prompts are encoded with special tokens (BOS), as vLLM does.
                let ids = h.tokenizer.encode(prompt, addSpecialTokens: true)
                let expected = try h.engine.generate(promptTokens: ids, maxTokens: 12, until: stop)
                #expect(choice["text"]?.stringValue == expected.text, "prompt \(prompt.debugDescription)")
                let stoppedEarly = expected.tokens.count < 12 || h.tokenizer.decode(expected.tokens) != expected.text
                #expect(choice["finish_reason"]?.stringValue == (stoppedEarly ? "stop" : "length"))
                #expect(json["usage"]?["prompt_tokens"]?.intValue == ids.count)
            }
        }
    }

    /// lm-eval drops the last entry of token_logprobs as the generated token: it must be there
    /// even when the model's first choice is EOS.
    @Test func anEOSTokenIsListedButAddsNoText() async throws {
        let tokenizer = try Tokenizer(folder: ServeHarness.modelFolder)
        let engine = try NativeEngine(model: NativeModel(folder: ServeHarness.modelFolder), tokenizer: tokenizer, threads: 1)
        let prompt = tokenizer.encode("Question: What do bees make?\nAnswer: honey", addSpecialTokens: false)
        let greedy = try #require(try engine.generateTokens(promptTokens: prompt, maxTokens: 1).first)
        try await ServeHarness.with(stopTokenIds: [greedy]) { h in
            let (status, json) = try await h.post("/v1/completions", .object([
                "prompt": .ids(prompt), "max_tokens": .int(1), "temperature": .int(0), "logprobs": .int(1), "echo": .bool(true),
            ]))
            #expect(status == 200)
            let choice = try #require(json["choices"]?[0])
            #expect(choice["finish_reason"]?.stringValue == "stop")
            #expect(choice["text"]?.stringValue == tokenizer.decode(prompt))
            #expect(choice["logprobs"]?["token_logprobs"]?.arrayValue?.count == prompt.count + 1)
            #expect(choice["logprobs"]?["tokens"]?.arrayValue?.last?.stringValue == tokenizer.decode([greedy]))
            #expect(json["usage"]?["completion_tokens"]?.intValue == 1)
        }
    }

    @Test func echoOfATextPromptIsThePromptText() async throws {
        try await ServeHarness.with { h in
            let (status, json) = try await h.post("/v1/completions", .object([
                "prompt": .array([.string("Hello there"), .string("Good day")]), "max_tokens": .int(2), "temperature": .int(0), "echo": .bool(true),
            ]))
            #expect(status == 200)
            for (index, prompt) in ["Hello there", "Good day"].enumerated() {
                let choice = try #require(json["choices"]?[index])
                let ids = h.tokenizer.encode(prompt, addSpecialTokens: true)
                let generated = try h.engine.generateTokens(promptTokens: ids, maxTokens: 2)
                #expect(choice["text"]?.stringValue == prompt + h.tokenizer.decode(generated, skipSpecialTokens: true))
                #expect(choice["logprobs"] == .null)
            }
            let plain = try await h.post("/v1/completions", .object([
                "prompt": .string("Hello there"), "max_tokens": .int(0), "add_special_tokens": .bool(false),
            ]))
            #expect(plain.json["usage"]?["prompt_tokens"]?.intValue == h.tokenizer.encode("Hello there", addSpecialTokens: false).count)
        }
    }

    @Test func aPortInUseIsReported() async throws {
        try await ServeHarness.with { h in
            let port = try #require(UInt16(h.baseURL.split(separator: ":").last.map(String.init) ?? ""))
            let second = try CompletionServer(served: h.server.served, host: "127.0.0.1", port: port)
            do {
                try await second.start()
                await second.stop()
                Issue.record("a second server started on port \(port)")
            } catch let error as ServeStartError {
                #expect(error.message.hasPrefix("cannot listen on 127.0.0.1:\(port): "), "\(error)")
            }
        }
        #expect(throws: ServeStartError.self) { try CompletionServer(served: try ServedModel.native(folder: ServeHarness.modelFolder), host: "localhost:1", port: 1) }
    }

    @Test func seededSamplingIsRepeatable() async throws {
        try await ServeHarness.with { h in
            let body = JSONValue.object(["prompt": .string("Once upon a time"), "max_tokens": .int(10), "temperature": .double(1.5), "seed": .int(7)])
            let first = try await h.post("/v1/completions", body).json["choices"]?[0]?["text"]
            let second = try await h.post("/v1/completions", body).json["choices"]?[0]?["text"]
            #expect(first != nil && first == second)
        }
    }

    @Test func tokenizerEndpointsUseTheModelsTokenizer() async throws {
        try await ServeHarness.with { h in
            let text = "Hello world, 12345 ümlaut 😀"
            let plain = try await h.post("/tokenize", .object(["prompt": .string(text), "add_special_tokens": .bool(false)]))
            #expect(plain.status == 200)
            #expect(TokenizerTestSupport.ints(plain.json["tokens"]) == h.tokenizer.encode(text, addSpecialTokens: false))
            #expect(plain.json["count"]?.intValue == h.tokenizer.encode(text, addSpecialTokens: false).count)
            #expect(plain.json["max_model_len"]?.intValue == h.engine.model.config.maxPositions)
            let special = try await h.post("/tokenize", .object(["prompt": .string(text)]))
            #expect(TokenizerTestSupport.ints(special.json["tokens"]).first == h.tokenizer.bosTokenId)
            let detok = try await h.post("/detokenize", .object(["tokens": plain.json["tokens"] ?? .null]))
            #expect(detok.json["prompt"]?.stringValue == text)

            let info = try JSONValue.parse(try await h.get("/tokenizer_info").body)
            #expect(info["eos_token"]?.stringValue == "<|end_of_text|>")
            #expect(info["bos_token"]?.stringValue == "<|begin_of_text|>")
            let models = try JSONValue.parse(try await h.get("/v1/models").body)
            #expect(models["data"]?[0]?["id"]?.stringValue == "tiny-llama")
            #expect(try await h.get("/health").status == 200)
            #expect(try JSONValue.parse(try await h.get("/version").body)["version"]?.stringValue == ToolVersion.current)
        }
    }

    @Test func badRequestsGetVLLMErrorBodies() async throws {
        try await ServeHarness.with { h in
            let malformed = try await h.post("/v1/completions", raw: Data("{\"prompt\": ".utf8))
            #expect(malformed.status == 400)
            #expect(malformed.json["object"]?.stringValue == "error")
            #expect(malformed.json["type"]?.stringValue == "BadRequestError")
            #expect(malformed.json["code"]?.intValue == 400)
            #expect(malformed.json["message"]?.stringValue?.contains("malformed JSON") == true)

            let wrongType = try await h.post("/v1/completions", .object(["prompt": .string("x"), "max_tokens": .string("five")]))
            #expect(wrongType.status == 400)
            #expect(wrongType.json["param"]?.stringValue == "max_tokens")

            let limit = h.engine.model.config.maxPositions
            let tooLong = try await h.post("/v1/completions", .object(["prompt": .ids(Array(repeating: 5, count: limit)), "max_tokens": .int(1)]))
            #expect(tooLong.status == 400)
            #expect(tooLong.json["message"]?.stringValue?.contains("maximum context length is \(limit) tokens") == true)

            let badId = try await h.post("/v1/completions", .object(["prompt": .ids([1, 99999]), "max_tokens": .int(1)]))
            #expect(badId.status == 400)
            let mixed = try await h.post("/v1/completions", .object(["prompt": .array([.int(1), .string("a")])]))
            #expect(mixed.status == 400)
            let twoChoices = try await h.post("/v1/completions", .object(["prompt": .string("a"), "n": .int(2)]))
            #expect(twoChoices.status == 400)
            let unknownModel = try await h.post("/v1/completions", .object(["prompt": .string("a"), "model": .string("gpt-9")]))
            #expect(unknownModel.status == 404)
            #expect(unknownModel.json["type"]?.stringValue == "NotFoundError")
            let topP = try await h.post("/v1/completions", .object(["prompt": .string("a"), "top_p": .double(0.9)]))
            #expect(topP.status == 400)
            #expect(topP.json["param"]?.stringValue == "top_p")
            let neutral = try await h.post("/v1/completions", .object(["prompt": .string("a"), "max_tokens": .int(1), "top_p": .int(1), "top_k": .int(-1)]))
            #expect(neutral.status == 200)
            let badTokens = try await h.post("/detokenize", .object(["tokens": .string("1 2")]))
            #expect(badTokens.status == 400)
        }
    }
}
