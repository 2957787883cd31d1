import Foundation
import Testing
@testable import ArenaRuntime

/// The tokenizer read from a GGUF file's metadata against llama.cpp's own tokenizer
/// (llama-cpp-python, Tests/Fixtures/gguf-tokenizer/llama_tokenize.py), id for id, on every
/// question, answer and choice of the real GSM8K and TruthfulQA files and on adversarial text,
/// for both test models; and decoding against llama.cpp's `llama_detokenize`.
@Suite(.serialized) struct GGUFTokenizerParityTests {
    struct Reference {
        let texts: [String]
        let cases: [[(addBOS: Bool, special: Bool)]]
        let ids: [[[Int]]]
        let decodeInputs: [[Int]]
        let decoded: [[UInt8]]
        let bos: Int
        let eos: Int
        let vocabSize: Int
    }

    static let allCases: [(addBOS: Bool, special: Bool)] = [(true, true), (false, true), (true, false), (false, false)]
    /// Real lines alternate between the two settings, so that every line is checked once.
    static let realCases: [[(addBOS: Bool, special: Bool)]] = [[(true, true)], [(false, false)]]

    /// llama.cpp's answers for one model, asked once in one python process.
    static func reference(model name: String, tokenizer: GGUFTokenizer) throws -> Reference {
        let real = try GGUFTokenizerCorpus.realLines()
        let adversarial = try GGUFTokenizerCorpus.adversarial()
        let texts = adversarial + real
        let cases = adversarial.map { _ in allCases } + real.indices.map { realCases[$0 % 2] }
        // Decoding: the ids of every text, and arbitrary id runs over the whole vocabulary.
        var decodeInputs = texts.map { tokenizer.encode($0, addSpecial: true, parseSpecial: true) }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for length in 1 ... 400 {
            decodeInputs.append((0 ..< (length % 24 + 1)).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Int((state >> 33) % UInt64(tokenizer.vocabSize))
            })
        }
        let request: JSONValue = .object([
            "model": .string(try TestModels.path(name).path),
            "texts": .array(texts.map { .string($0) }),
            "cases": .array(cases.map { .array($0.map { .array([.bool($0.addBOS), .bool($0.special)]) }) }),
            "decode": .array(decodeInputs.map { .array($0.map { .int($0) }) }),
        ])
        let script = ScoringPaths.repositoryRoot.appendingPathComponent("Tests/Fixtures/gguf-tokenizer/llama_tokenize.py")
        let output = try JSONValue.parse(try LlamaPython.run(script: script, input: Data(request.serialized(indent: nil).utf8)))
        let ids = (output["ids"]?.arrayValue ?? []).map { perText in (perText.arrayValue ?? []).map { ($0.arrayValue ?? []).compactMap(\.intValue) } }
        let decoded = (output["decoded"]?.arrayValue ?? []).map { Array(Data(base64Encoded: $0.stringValue ?? "") ?? Data()) }
        return Reference(texts: texts, cases: cases, ids: ids, decodeInputs: decodeInputs, decoded: decoded,
                         bos: output["bos"]?.intValue ?? -1, eos: output["eos"]?.intValue ?? -1, vocabSize: output["n_vocab"]?.intValue ?? -1)
    }

    @Test(arguments: [TestModels.smolLM2, TestModels.gemma3])
    func idsAndTextMatchLlamaCpp(model name: String) throws {
        let tokenizer = try GGUFTokenizer(gguf: try TestModels.path(name))
        let reference = try Self.reference(model: name, tokenizer: tokenizer)
        #expect(reference.texts.count > 20_000)
        #expect(reference.ids.count == reference.texts.count)
        #expect(tokenizer.bosTokenId == reference.bos)
        #expect(tokenizer.eosTokenId == reference.eos)
        #expect(tokenizer.vocabSize == reference.vocabSize)
        var mismatches = 0
        for (index, text) in reference.texts.enumerated() where index < reference.ids.count {
            for (caseIndex, flags) in reference.cases[index].enumerated() {
                let ours = tokenizer.encode(text, addSpecial: flags.addBOS, parseSpecial: flags.special)
                let theirs = reference.ids[index][caseIndex]
                if ours != theirs {
                    mismatches += 1
                    if mismatches <= 20 {
                        Issue.record("\(name) text \(index) add_bos=\(flags.addBOS) special=\(flags.special): \(text.debugDescription)\n ours   \(ours)\n llama  \(theirs)")
                    }
                }
            }
        }
        #expect(mismatches == 0, "\(mismatches) encodings differ from llama.cpp's")
        #expect(reference.decoded.count == reference.decodeInputs.count)
        var decodeMismatches = 0
        for (ids, theirs) in zip(reference.decodeInputs, reference.decoded) where tokenizer.decodeBytes(ids) != theirs {
            decodeMismatches += 1
            if decodeMismatches <= 10 {
                Issue.record("\(name) decode \(ids):\n ours  \(String(decoding: tokenizer.decodeBytes(ids), as: UTF8.self).debugDescription)\n llama \(String(decoding: theirs, as: UTF8.self).debugDescription)")
            }
        }
        #expect(decodeMismatches == 0, "\(decodeMismatches) decodings differ from llama.cpp's")
    }
}
