import Foundation
import Testing
@testable import ArenaRuntime

/// Checks the Swift tokenizer against the `tokenizers` library (the reference implementation of
/// tokenizer.json) on a corpus with Unicode, whitespace runs, digits, contractions and special
/// tokens: identical ids from encode and identical text from decode.
@Suite struct TokenizerParityTests {
    static let variants = [
        "byte-level", "byte-level-qwen2", "byte-level-gpt2", "byte-level-gpt2-no-prefix", "byte-level-digits", "byte-level-added",
        "sentencepiece-bpe", "sentencepiece-bpe-added", "sentencepiece-metaspace-first", "sentencepiece-metaspace-always",
    ]

    @Test(arguments: variants)
    func encodeMatchesTokenizersLibrary(variant: String) throws {
        let (folder, expected) = try TokenizerTestSupport.reference.get()
        let tokenizer = try Tokenizer(contentsOf: folder.appendingPathComponent("\(variant)/tokenizer.json"))
        let reference = try #require(expected["variants"]?[variant])
        let corpus = try TokenizerTestSupport.corpus()
        let plain = try #require(reference["encode"]?.arrayValue)
        let special = try #require(reference["encode_special"]?.arrayValue)
        #expect(plain.count == corpus.count)
        #expect(corpus.count > 400)
        for (index, text) in corpus.enumerated() {
            #expect(tokenizer.encode(text, addSpecialTokens: false) == TokenizerTestSupport.ints(plain[index]), "\(variant) text \(index): \(text.debugDescription)")
            #expect(tokenizer.encode(text, addSpecialTokens: true) == TokenizerTestSupport.ints(special[index]), "\(variant) text \(index) with special tokens")
        }
        #expect(tokenizer.vocabSize == reference["vocab_size"]?.intValue)
        if variant == "byte-level" {
            // Byte-level BPE loses nothing: every text decodes back from its ids.
            for text in corpus { #expect(Array(tokenizer.decode(tokenizer.encode(text, addSpecialTokens: false)).utf8) == Array(text.utf8)) }
        }
    }

    @Test(arguments: variants)
    func decodeMatchesTokenizersLibrary(variant: String) throws {
        let (folder, expected) = try TokenizerTestSupport.reference.get()
        let tokenizer = try Tokenizer(contentsOf: folder.appendingPathComponent("\(variant)/tokenizer.json"))
        let cases = try #require(expected["variants"]?[variant]?["decode"]?.arrayValue)
        #expect(cases.count > 200)
        for entry in cases {
            let ids = TokenizerTestSupport.ints(entry["ids"])
            // Compared as bytes: Swift's String equality would accept another Unicode normalization.
            #expect(Array(tokenizer.decode(ids).utf8) == entry["text"]?.stringValue.map { Array($0.utf8) }, "\(variant) ids \(ids)")
            #expect(Array(tokenizer.decode(ids, skipSpecialTokens: true).utf8) == entry["text_skip"]?.stringValue.map { Array($0.utf8) }, "\(variant) ids \(ids) skipping special tokens")
        }
    }

    @Test(arguments: [("gpt2", SplitPattern.gpt2), ("llama3", SplitPattern.llama3), ("qwen2", SplitPattern.qwen2)])
    func splitPatternMatchesRegex(name: String, pattern: SplitPattern) throws {
        let (_, expected) = try TokenizerTestSupport.reference.get()
        let splits = try #require(expected["splits"]?[name]?.arrayValue)
        for (index, text) in try TokenizerTestSupport.corpus().enumerated() {
            let scalars = Array(text.unicodeScalars)
            let pieces = pattern.matches(in: scalars).map { String(String.UnicodeScalarView(scalars[$0])) }
            let want = splits[index].arrayValue?.compactMap(\.stringValue) ?? []
            #expect(pieces.map { Array($0.utf8) } == want.map { Array($0.utf8) }, "\(name) text \(index): \(pieces) vs \(want)")
        }
    }

    /// The variants above cover both the byte-level fast path and the general pipeline.
    @Test func byteLevelFastPathIsTakenWhereItApplies() throws {
        let (folder, _) = try TokenizerTestSupport.reference.get()
        func fast(_ variant: String) throws -> Bool {
            try Tokenizer(contentsOf: folder.appendingPathComponent("\(variant)/tokenizer.json")).byteLevelFastPath != nil
        }
        #expect(try fast("byte-level") && fast("byte-level-qwen2") && fast("byte-level-gpt2-no-prefix") && fast("byte-level-added"))
        #expect(try !fast("byte-level-gpt2") && !fast("byte-level-digits") && !fast("sentencepiece-bpe"))
    }

    @Test func byteFallbackAndUnknownTokensRoundTrip() throws {
        let tokenizer = try Tokenizer(folder: TokenizerTestSupport.fixtures.appendingPathComponent("sentencepiece-bpe"))
        let text = "Hello 世界 😀\n"
        let ids = tokenizer.encode(text, addSpecialTokens: true)
        #expect(ids.first == tokenizer.bosTokenId)
        // CJK and emoji are outside this tokenizer's alphabet: their UTF-8 bytes become <0xXX> tokens.
        #expect(ids.contains(try #require(tokenizer.id(for: "<0xE4>"))))
        #expect(ids.contains(try #require(tokenizer.id(for: "<0xF0>"))))
        #expect(Array(tokenizer.decode(ids, skipSpecialTokens: true).utf8) == Array(text.utf8))
    }
}
