@testable import ArenaRuntime
import Foundation
import Testing

/// Gemma 3 from Hugging Face folders (`model_type` gemma3_text): tiny random models written by
/// scripts/tiny_models/make_weights.py, against the independent float64 numpy reference.
@Suite("Native engine on Gemma 3 folders")
struct NativeGemma3Tests {
    /// 4 layers alternating local (window 8) and global, 4 query heads on 1 kv head of 32
    /// (q is 128 wide on a hidden size of 64).
    static let tiny = ["--arch", "gemma3_text", "--seed", "8", "--layers", "4", "--kv-heads", "1", "--head-dim", "32",
                       "--sliding-window", "8", "--sliding-window-pattern", "2"]

    enum Variant: String, CaseIterable, CustomTestStringConvertible {
        case f32, bf16, softcap, scalar, pattern6
        var testDescription: String { rawValue }
        var arguments: [String] {
            switch self {
            case .f32: return NativeGemma3Tests.tiny
            case .bf16: return NativeGemma3Tests.tiny + ["--dtype", "bf16"]
            case .softcap: return NativeGemma3Tests.tiny + ["--final-logit-softcapping", "15"]
            case .scalar: return NativeGemma3Tests.tiny + ["--query-pre-attn-scalar", "64", "--rope-theta", "1000000"]
            case .pattern6: return ["--arch", "gemma3_text", "--seed", "9", "--layers", "7", "--heads", "2", "--kv-heads", "2", "--sliding-window", "16"]
            }
        }
    }

    @Test("logits within 1e-4 of the reference over 200 positions, past the sliding window", arguments: Variant.allCases)
    func logitsMatchReference(variant: Variant) throws {
        let folder = try NativeTestSupport.generate(variant.arguments)
        let model = try NativeModel(folder: folder)
        let tokens = NativeTestSupport.tokens(count: 200, vocab: model.config.vocabSize, seed: 13)
        let expected = try NativeTestSupport.referenceLogits(model: folder, tokens: tokens)
        let actual = try model.logits(tokens: tokens, threads: 2)
        #expect(actual.count == 200 && expected.count == 200)
        let difference = NativeTestSupport.maxAbsDifference(actual, expected)
        #expect(difference < 1e-4, "max |logit difference| \(difference) for \(variant)")
        let spread = (expected.last?.max() ?? 0) - (expected.last?.min() ?? 0)
        #expect(spread > 1)
        if variant == .softcap {
            #expect(expected.allSatisfy { $0.allSatisfy { abs($0) < 15 } })
        }
        #expect(try model.logits(tokens: tokens, threads: 1) == actual, "bits differ across thread counts")
    }

    @Test("the sliding window changes exactly the positions that reach past it")
    func windowMatters() throws {
        let local = try NativeTestSupport.generate(Self.tiny)
        let wide = try NativeTestSupport.copyModel(local) { $0["sliding_window"] = .int(4096) }
        let tokens = NativeTestSupport.tokens(count: 40, vocab: 512, seed: 5)
        let a = try NativeModel(folder: local).logits(tokens: tokens, threads: 1)
        let b = try NativeModel(folder: wide).logits(tokens: tokens, threads: 1)
        #expect(Array(a.prefix(8)) == Array(b.prefix(8)), "positions 0...7 see all their keys in both")
        let late = zip(a[39], b[39]).map { abs($0 - $1) }.max() ?? 0
        #expect(late > 1e-3)
    }

    @Test("config.json's Gemma 3 fields become the forward pass's options")
    func config() throws {
        let folder = try NativeTestSupport.generate(Self.tiny + ["--query-pre-attn-scalar", "64"])
        let c = try NativeModel(folder: folder).config
        #expect(c.modelType == "gemma3_text" && c.activation == .geluTanh && c.sandwichNorms && c.queryKeyNorm)
        #expect(c.embeddingScale == 8 && c.normWeightOffset == 1 && c.attentionScale == 0.125 && c.tieWordEmbeddings)
        #expect(c.localAttention == LocalAttention(window: 8, ropeTheta: 10000, layers: [true, false, true, false]))
        #expect(c.finalLogitSoftcap == nil && c.slidingWindow == nil)

        // Without layer_types, every 6th layer (or sliding_window_pattern's) is global.
        let patterned = try NativeTestSupport.copyModel(folder) { $0["layer_types"] = nil; $0["num_hidden_layers"] = .int(4); $0["sliding_window_pattern"] = .int(3) }
        #expect(try NativeModelConfig.load(from: patterned.appendingPathComponent("config.json")).localAttention?.layers == [true, true, false, true])
        #expect(NativeModelConfig.gemma3LocalLayers(count: 18, pattern: 6).enumerated().filter { !$0.element }.map(\.offset) == [5, 11, 17])
    }

    @Test("Gemma 3 options the engine does not run are refused by field")
    func refusals() throws {
        let folder = try NativeTestSupport.generate(Self.tiny)
        let capped = try NativeTestSupport.copyModel(folder) { $0["attn_logit_softcapping"] = .double(50) }
        let path = capped.appendingPathComponent("config.json").path
        #expect(throws: NativeModelError.unsupportedConfig(path: path, field: "attn_logit_softcapping", value: "50.0")) { try NativeModel(folder: capped) }
        let gelu = try NativeTestSupport.copyModel(folder) { $0["hidden_activation"] = .string("gelu") }
        #expect(throws: NativeModelError.unsupportedConfig(path: gelu.appendingPathComponent("config.json").path, field: "hidden_activation", value: "\"gelu\"")) {
            try NativeModel(folder: gelu)
        }
        let short = try NativeTestSupport.copyModel(folder) { $0["layer_types"] = .array([.string("full_attention")]) }
        #expect(throws: NativeModelError.invalidConfig(path: short.appendingPathComponent("config.json").path, field: "layer_types", reason: "expected a list of 4 layer types")) {
            try NativeModel(folder: short)
        }
    }
}
