@testable import ArenaRuntime
import Foundation
import Testing

/// A `gemma3` GGUF file (Gemma 3 270M, Q4_K_M) in the native engine's forward pass, against the
/// independent float64 numpy reference over the `gguf` package's dequantized weights
/// (Tests/Fixtures/native/reference.py, written from Hugging Face's modeling_gemma3).
@Suite("Native engine on a Gemma 3 GGUF file")
struct GGUFGemma3Tests {
    @Test("Gemma 3's metadata becomes the engine's config")
    func config() throws {
        let file = try GGUFFile(path: try TestModels.path(TestModels.gemma3).path)
        let c = try NativeModelConfig(gguf: file)
        #expect(c.modelType == "gemma3" && c.hiddenSize == 640 && c.intermediateSize == 2048 && c.layerCount == 18)
        #expect(c.headCount == 4 && c.keyValueHeadCount == 1 && c.headDim == 256 && c.vocabSize == 262_144)
        #expect(c.maxPositions == 32768 && c.ropeTheta == 1_000_000 && c.rmsNormEpsilon == 1e-6 && c.ropeScaling == .none)
        #expect(c.tieWordEmbeddings && !c.qkvBias && !c.outputBias && !c.mlpBias)
        #expect(c.activation == .geluTanh && c.sandwichNorms && c.queryKeyNorm && c.normWeightOffset == 0)
        #expect(c.embeddingScale == Float(640).squareRoot() && c.attentionScale == 1 / 16 && c.finalLogitSoftcap == nil)
        let globalLayers = c.localAttention?.layers.enumerated().filter { !$0.element }.map(\.offset)
        #expect(c.localAttention?.window == 512 && c.localAttention?.ropeTheta == 10000 && globalLayers == [5, 11, 17])
        #expect(c.bosTokenId == 2 && c.eosTokenIds == [1])
    }

    /// Max |difference| per position of the engine's and numpy's float32 logits from the float64
    /// reference, for the positions `from...` of `tokens`.
    static func distances(tokens: [Int], from first: Int, threads: Int) throws -> (engine: [Double], float32: [Double], spread: Double) {
        let url = try TestModels.path(TestModels.gemma3)
        let model = try NativeModel(gguf: url)
        let vocab = model.config.vocabSize, rows = tokens.count - first
        let cache = KVCache(config: model.config, capacity: tokens.count)
        let actual = try model.forward(tokens[...], cache: cache, logitRows: first ..< tokens.count, partition: FixedPartition(threads: threads))
        #expect(actual.count == rows * vocab)
        let expected = try NativeTestSupport.referenceLogitsFlat(model: url, tokens: tokens, from: first)
        let float32 = try NativeTestSupport.referenceLogitsFlat(model: url, tokens: tokens, from: first, float32: true)
        #expect(expected.count == rows * vocab && float32.count == rows * vocab)
        var engine = [Double](repeating: 0, count: rows), numpy = engine
        for p in 0 ..< rows {
            for j in p * vocab ..< (p + 1) * vocab {
                engine[p] = max(engine[p], abs(Double(actual[j]) - expected[j]))
                numpy[p] = max(numpy[p], abs(float32[j] - expected[j]))
            }
        }
        let last = expected[(rows - 1) * vocab ..< rows * vocab]
        return (engine, numpy, (last.max() ?? 0) - (last.min() ?? 0))
    }

    /// Measured: see docs/native-engine.md ("Gemma 3").
    @Test("Gemma 3's logits as close to the float64 numpy reference as numpy's float32 pass, at every position", arguments: [8, 200])
    func logits(count: Int) throws {
        let url = try TestModels.path(TestModels.gemma3)
        let model = try NativeModel(gguf: url)
        let tokens = [2] + NativeTestSupport.tokens(count: count - 1, vocab: model.config.vocabSize, seed: 31)
        let (rows, float32Rows, spread) = try Self.distances(tokens: tokens, from: 0, threads: 2)
        let difference = rows.max() ?? .infinity, float32Difference = float32Rows.max() ?? 0
        #expect(difference < 1e-3, "max |logit difference| \(difference) per position \(rows)")
        #expect(difference <= 2 * float32Difference + 1e-5,
                "\(difference) per position \(rows); numpy float32: \(float32Difference) per position \(float32Rows)")
        // Real weights give peaked logits, so the bounds say something.
        #expect(spread > 10)
        #expect(try model.logits(tokens: tokens, threads: 1) == model.logits(tokens: tokens, threads: 2), "bits differ across thread counts")
    }

    /// 600 positions, past the window of 512: the local layers of the last 8 see only their last
    /// 512 keys (reference.py writes only those 8 rows of logits).
    @Test("past the sliding window, the last 8 of 600 positions as close to the reference as numpy's float32 pass")
    func pastTheWindow() throws {
        let tokens = [2] + NativeTestSupport.tokens(count: 599, vocab: 262_144, seed: 32)
        let (rows, float32Rows, spread) = try Self.distances(tokens: tokens, from: 592, threads: 2)
        let difference = rows.max() ?? .infinity, float32Difference = float32Rows.max() ?? 0
        #expect(difference < 1e-3, "max |logit difference| \(difference) per position \(rows)")
        #expect(difference <= 2 * float32Difference + 1e-5,
                "\(difference) per position \(rows); numpy float32: \(float32Difference) per position \(float32Rows)")
        #expect(spread > 10)
    }
}
