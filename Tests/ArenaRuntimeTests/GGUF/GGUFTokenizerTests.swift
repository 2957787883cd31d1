import Foundation
import Testing
@testable import ArenaRuntime

/// The GGUF tokenizer on small vocabularies written for the test: metadata errors, SentencePiece
/// merging by score with byte fallback, special-token matching and decoding.
@Suite struct GGUFTokenizerTests {
    static func file(_ pairs: [(String, GGUFValue)]) throws -> URL {
        var builder = GGUFBuilder()
        builder.header(tensors: 0, keys: pairs.count)
        for (key, value) in pairs { builder.keyValue(key, value) }
        return try builder.write()
    }

    static func strings(_ values: [String]) -> GGUFValue { .array(element: .string, values: values.map { .string($0) }) }

    /// A SentencePiece vocabulary: ▁ab outscores ▁a, ab outscores ▁a; no é, but its bytes.
    static let sentencePiece: [(String, GGUFValue)] = {
        let tokens = ["<unk>", "<s>", "</s>", "▁", "a", "b", "ab", "▁a", "▁ab", "<ctl>", "<0xC3>", "<0xA9>"]
        let types: [Int32] = [2, 3, 3, 1, 1, 1, 1, 1, 1, 3, 6, 6]
        let scores: [Float] = [0, 0, 0, -1, -2, -2, -3, -5, -4, 0, 0, 0]
        return [("tokenizer.ggml.model", .string("llama")), ("tokenizer.ggml.tokens", strings(tokens)),
                ("tokenizer.ggml.token_type", .array(element: .int32, values: types.map { .int32($0) })),
                ("tokenizer.ggml.scores", .array(element: .float32, values: scores.map { .float32($0) }))]
    }()

    @Test func sentencePieceMergesByScoreWithByteFallback() throws {
        let tokenizer = try GGUFTokenizer(gguf: try Self.file(Self.sentencePiece))
        #expect(tokenizer.bosTokenId == 1 && tokenizer.eosTokenId == 2 && tokenizer.addsBOS && tokenizer.addsSpacePrefix)
        // "▁ab": a+b (-3) is joined before ▁+a (-5), then ▁+ab (-4).
        #expect(tokenizer.encode("ab", addSpecial: true, parseSpecial: true) == [1, 8])
        // "▁aé": é is no token, so its two bytes; the control token is text without parseSpecial.
        #expect(tokenizer.encode("aé", addSpecial: false, parseSpecial: true) == [7, 10, 11])
        #expect(tokenizer.encode("<ctl>ab", addSpecial: false, parseSpecial: true) == [9, 8])
        #expect(!tokenizer.encode("<ctl>", addSpecial: false, parseSpecial: false).contains(9))
        // Only the first token loses its leading space (here BOS, which has none).
        #expect(tokenizer.decode([1, 8, 10, 11, 9]) == "<s> abé<ctl>")
        #expect(tokenizer.decode([8, 8]) == "ab ab")
    }

    @Test func unknownPreTokenizerIsRefusedNamingTheKey() throws {
        let url = try Self.file([("tokenizer.ggml.model", .string("gpt2")), ("tokenizer.ggml.pre", .string("no-such-pre")),
                                 ("tokenizer.ggml.tokens", Self.strings(["a", "b"])), ("tokenizer.ggml.merges", Self.strings(["a b"]))])
        #expect {
            try GGUFTokenizer(gguf: url)
        } throws: { error in
            let text = String(describing: error)
            return text.contains(url.path) && text.contains("tokenizer.ggml.pre") && text.contains("no-such-pre") && text.contains("smollm")
        }
    }

    @Test func badMetadataIsRefusedNamingTheKey() throws {
        let unknownModel = try Self.file([("tokenizer.ggml.model", .string("bert")), ("tokenizer.ggml.tokens", Self.strings(["a"]))])
        #expect { try GGUFTokenizer(gguf: unknownModel) } throws: { String(describing: $0).contains("tokenizer.ggml.model") && String(describing: $0).contains("bert") }
        let wrongType = try Self.file(Self.sentencePiece.map { $0.0 == "tokenizer.ggml.scores" ? ($0.0, .string("x")) : $0 })
        #expect { try GGUFTokenizer(gguf: wrongType) } throws: { String(describing: $0).contains("tokenizer.ggml.scores") }
        let noBOS = try Self.file(Self.sentencePiece + [("tokenizer.ggml.bos_token_id", .uint32(99)), ("tokenizer.ggml.add_bos_token", .bool(true))])
        // An out-of-range id falls back to llama.cpp's default (1), which exists here.
        #expect(try GGUFTokenizer(gguf: noBOS).bosTokenId == 1)
        let repeated = try Self.file([("tokenizer.ggml.model", .string("llama")), ("tokenizer.ggml.tokens", Self.strings(["a", "a"]))])
        #expect { try GGUFTokenizer(gguf: repeated) } throws: { String(describing: $0).contains("repeats token 0") }
    }

    @Test func cleanSpacesFollowsLlamaCpp() {
        func clean(_ text: String) -> String { String(decoding: GGUFTokenizer.cleaned(Array(text.utf8)), as: UTF8.self) }
        #expect(clean("a , b . c ? d !") == "a, b. c? d!")
        #expect(clean("it ' s") == "it's")
        #expect(clean("he 's we 're you 've I 'm they 'd it 'll") == "he's we're you've I'm they 'd it 'll")
    }

    @Test func engineLoadsTokenizerFromTheFile() throws {
        let url = try TestModels.path(TestModels.smolLM2)
        let engine = try NativeEngine(gguf: url, threads: 1)
        let tokenizer = try #require(engine.tokenizer as? GGUFTokenizer)
        #expect(tokenizer.path == url.path)
        let ids = try tokenizer.encode("Hello world", addSpecialTokens: false)
        #expect(try engine.tokenizer?.decode(ids) == "Hello world")
        #expect(engine.stopTokenIds.contains(try #require(tokenizer.eosTokenId)))
    }
}
