import Foundation
import Testing
@testable import ArenaRuntime

@Suite struct TokenizerLoadingTests {
    static let byteLevel = TokenizerTestSupport.fixtures.appendingPathComponent("byte-level")

    @Test func specialTokensComeFromTokenizerConfig() throws {
        for folder in ["Tests/Fixtures/tokenizer/byte-level", "models/tiny-llama", "models/tiny-qwen2"] {
            let tokenizer = try Tokenizer(folder: TokenizerTestSupport.repositoryRoot.appendingPathComponent(folder))
            #expect(tokenizer.bosToken == "<|begin_of_text|>")
            #expect(tokenizer.eosToken == "<|end_of_text|>")
            #expect(tokenizer.bosTokenId == tokenizer.id(for: "<|begin_of_text|>"))
            #expect(tokenizer.eosTokenId == tokenizer.id(for: "<|end_of_text|>"))
            #expect(tokenizer.vocabSize == 512)
            #expect(tokenizer.modelMaxLength == 512)
        }
        let sentencepiece = try Tokenizer(folder: TokenizerTestSupport.fixtures.appendingPathComponent("sentencepiece-bpe"))
        #expect(sentencepiece.bosTokenId == 1)
        #expect(sentencepiece.eosTokenId == 2)
        #expect(sentencepiece.token(for: 1) == "<s>")
        #expect(sentencepiece.isSpecial(2))
    }

    @Test func withoutConfigTheBosTokenIsTheTemplatesLeadingToken() throws {
        let tokenizer = try Tokenizer(contentsOf: Self.byteLevel.appendingPathComponent("tokenizer.json"))
        #expect(tokenizer.bosTokenId == tokenizer.id(for: "<|begin_of_text|>"))
        #expect(tokenizer.eosTokenId == nil)
        let ids = tokenizer.encode("Hello", addSpecialTokens: true)
        #expect(ids.first == tokenizer.bosTokenId)
        #expect(Array(ids.dropFirst()) == tokenizer.encode("Hello", addSpecialTokens: false))
    }

    /// Edits the byte-level fixture's JSON and expects loading to fail with an error naming the field.
    @Test(arguments: [
        ("model", #"{"type": "Unigram", "vocab": []}"#, "model.type"),
        ("pre_tokenizer", #"{"type": "Split", "pattern": {"Regex": "\\w+"}, "behavior": "Isolated", "invert": false}"#, "pre_tokenizer.pattern.Regex"),
        ("pre_tokenizer", #"{"type": "Whitespace"}"#, "pre_tokenizer.type"),
        ("normalizer", #"{"type": "Sequence", "normalizers": [{"type": "BertNormalizer"}]}"#, "normalizer.normalizers[0].type"),
        ("decoder", #"{"type": "WordPiece"}"#, "decoder.type"),
        ("post_processor", #"{"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<x>", "type_id": 0}}], "special_tokens": {}}"#, "post_processor.single[0]"),
        ("truncation", #"{"max_length": 5}"#, "truncation"),
        ("added_tokens", #"[{"id": "one", "content": "x"}]"#, "added_tokens[0].id"),
    ])
    func unsupportedOrInvalidFieldsAreNamed(field: String, replacement: String, named: String) throws {
        var root = try #require(try JSONValue.parse(Data(contentsOf: Self.byteLevel.appendingPathComponent("tokenizer.json"))).objectValue)
        root[field] = try JSONValue.parse(replacement)
        do {
            _ = try Tokenizer(tokenizerJSON: JSONValue.object(root).serializedData(), file: "edited.json")
            Issue.record("loading succeeded with \(field) = \(replacement)")
        } catch let error as TokenizerError {
            #expect(error.description.hasPrefix("edited.json: field '\(named)'"), "\(error)")
        }
    }

    @Test func badMergesAreReported() throws {
        var root = try #require(try JSONValue.parse(Data(contentsOf: Self.byteLevel.appendingPathComponent("tokenizer.json"))).objectValue)
        var model = try #require(root["model"]?.objectValue)
        model["merges"] = .array([.string("a b c")])
        root["model"] = .object(model)
        #expect(throws: TokenizerError.invalidField(file: "t.json", field: "model.merges[0]", message: "expected exactly two tokens, got 3")) {
            try Tokenizer(tokenizerJSON: JSONValue.object(root).serializedData(), file: "t.json")
        }
        model["merges"] = .array([.array([.string("zz"), .string("q")])])
        root["model"] = .object(model)
        #expect(throws: TokenizerError.self) { try Tokenizer(tokenizerJSON: JSONValue.object(root).serializedData(), file: "t.json") }
    }

    @Test func unreadableFilesNameThePath() {
        #expect(throws: TokenizerError.self) { try Tokenizer(folder: URL(fileURLWithPath: "/nonexistent-folder")) }
        #expect(throws: TokenizerError.unreadable(file: "x.json", message: "malformed JSON at byte 0: invalid literal")) {
            try Tokenizer(tokenizerJSON: Data("nope".utf8), file: "x.json")
        }
    }

    /// The committed tokenizers are what scripts/tiny_models/make_tokenizer.py produces (training
    /// with the pinned `tokenizers` is deterministic for these settings; checked by re-running it).
    @Test func generatorReproducesCommittedTokenizers() throws {
        let out = try TokenizerTestSupport.temporaryDirectory("make-tokenizer")
        defer { try? FileManager.default.removeItem(at: out) }
        try TokenizerTestSupport.runPython([TokenizerTestSupport.repositoryRoot.appendingPathComponent("scripts/tiny_models/make_tokenizer.py").path, out.path])
        for path in [
            "Tests/Fixtures/tokenizer/byte-level/tokenizer.json", "Tests/Fixtures/tokenizer/byte-level/tokenizer_config.json",
            "Tests/Fixtures/tokenizer/sentencepiece-bpe/tokenizer.json", "Tests/Fixtures/tokenizer/sentencepiece-bpe/tokenizer_config.json",
            "models/tiny-llama/tokenizer.json", "models/tiny-llama/tokenizer_config.json",
            "models/tiny-qwen2/tokenizer.json", "models/tiny-qwen2/tokenizer_config.json",
        ] {
            let generated = try Data(contentsOf: out.appendingPathComponent(path))
            let committed = try Data(contentsOf: TokenizerTestSupport.repositoryRoot.appendingPathComponent(path))
            #expect(generated == committed, "\(path) differs from what make_tokenizer.py writes")
        }
    }
}
