@testable import ArenaRuntime
import Foundation
import Testing

/// A `llama` GGUF file (SmolLM2-135M, Q4_1) in the native engine's forward pass, against the
/// independent float64 numpy reference over the `gguf` package's dequantized weights
/// (Tests/Fixtures/native/reference.py, which keeps llama.cpp's rotary layout and stored q/k rows).
@Suite("Native engine on GGUF files")
struct GGUFModelTests {
    @Test("SmolLM2's metadata becomes the engine's config")
    func smolLM2Config() throws {
        let file = try GGUFFile(path: try TestModels.path(TestModels.smolLM2).path)
        let c = try NativeModelConfig(gguf: file)
        #expect(c.modelType == "llama" && c.hiddenSize == 576 && c.intermediateSize == 1536 && c.layerCount == 30)
        #expect(c.headCount == 9 && c.keyValueHeadCount == 3 && c.headDim == 64 && c.vocabSize == 49152)
        #expect(c.maxPositions == 8192 && c.ropeTheta == 100_000 && c.rmsNormEpsilon == 1e-5)
        #expect(c.tieWordEmbeddings && !c.qkvBias && !c.outputBias && !c.mlpBias && c.ropeScaling == .none)
        #expect(c.bosTokenId == 1 && c.eosTokenIds == [2])
    }

    /// Measured on these 8 tokens: 3.7e-4 from the float64 reference, where numpy's own float32
    /// pass is 4.6e-4 away (both largest at position 2): float32 arithmetic alone strays that far
    /// on this model, so the engine is held to float32's own distance rather than to 1e-4.
    @Test("SmolLM2's logits as close to the float64 numpy reference as numpy's float32 pass, at every position of 8 tokens")
    func smolLM2Logits() throws {
        let url = try TestModels.path(TestModels.smolLM2)
        let model = try NativeModel(gguf: url)
        let tokens = [1] + NativeTestSupport.tokens(count: 7, vocab: model.config.vocabSize, seed: 21)
        let expected = try NativeTestSupport.referenceLogits(model: url, tokens: tokens)
        let float32 = try NativeTestSupport.referenceLogits(model: url, tokens: tokens, float32: true)
        let actual = try model.logits(tokens: tokens, threads: 2)
        #expect(actual.count == 8 && expected.count == 8 && actual.allSatisfy { $0.count == 49152 })
        let rows = zip(actual, expected).map { a, e in zip(a, e).map { abs(Double($0) - $1) }.max() ?? 0 }
        let float32Rows = zip(float32, expected).map { a, e in zip(a, e).map { abs($0 - $1) }.max() ?? 0 }
        let difference = rows.max() ?? .infinity, float32Difference = float32Rows.max() ?? 0
        #expect(difference < 1e-3, "max |logit difference| \(difference) per position \(rows)")
        #expect(difference <= 2 * float32Difference + 1e-5,
                "\(difference) per position \(rows); numpy float32: \(float32Difference) per position \(float32Rows)")
        // Real weights give peaked logits, so the bounds say something.
        let spread = (expected.last?.max() ?? 0) - (expected.last?.min() ?? 0)
        #expect(spread > 10)
        #expect(try model.logits(tokens: tokens, threads: 1) == actual, "bits differ across thread counts")
    }

    @Test("the engine on a GGUF file names the file's sha256 and scores token ids as its logits say")
    func engineOnTokens() throws {
        let url = try TestModels.path(TestModels.smolLM2)
        let engine = try NativeEngine(model: NativeModel(gguf: url), tokenizer: nil, threads: 2)
        let sha = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
        #expect(engine.identity.model == "SmolLM2-135M-Instruct.Q4_1.gguf@sha256:\(sha)")
        #expect(engine.identity.version.hasSuffix("+sha256.\(sha)"))
        let tokens = [1, 504, 3300, 30, 2]
        let result = try engine.loglikelihood(tokens: tokens, contextLength: 3)
        let logits = try engine.model.logits(tokens: tokens, threads: 1)
        func logSoftmax(_ row: [Float], _ id: Int) -> Double {
            let m = Double(row.max() ?? 0)
            return Double(row[id]) - m - log(row.reduce(0) { $0 + exp(Double($1) - m) })
        }
        let expected = logSoftmax(logits[2], 30) + logSoftmax(logits[3], 2)
        // The engine puts only the continuation's rows through lm_head (a product of another shape,
        // so last-place differences in the logits): measured 4.9e-6 on a logprob of -18.5.
        #expect(abs(result.logprob - expected) < 1e-4, "\(result.logprob) vs \(expected)")
    }

    @Test("q and k rows are permuted back from llama.cpp's layout")
    func unpermute() {
        // Two heads of d = 4 over rows of width 1: stored row h·4 + 2i + j is row h·4 + 2j + i.
        let stored: [Float] = [0, 2, 1, 3, 4, 6, 5, 7]
        #expect(GGUFTensorSource.unpermuteRows(stored, heads: 2, rowWidth: 1) == [0, 1, 2, 3, 4, 5, 6, 7])
        let wide: [Float] = [0, 0, 2, 2, 1, 1, 3, 3]
        #expect(GGUFTensorSource.unpermuteRows(wide, heads: 1, rowWidth: 2) == [0, 0, 1, 1, 2, 2, 3, 3])
    }

    @Test("an architecture the engine does not run is refused by name")
    func architectureRefused() throws {
        var b = GGUFBuilder()
        b.header(tensors: 0, keys: 1)
        b.keyValue("general.architecture", .string("qwen2"))
        let url = try b.write()
        #expect(throws: NativeModelError.unsupportedConfig(path: url.path, field: "general.architecture", value: "\"qwen2\"")) {
            _ = try NativeModel(gguf: url)
        }
    }

    @Test("missing metadata is an error naming the key")
    func missingKey() throws {
        var b = GGUFBuilder()
        b.header(tensors: 1, keys: 2)
        b.keyValue("general.architecture", .string("llama"))
        b.keyValue("llama.embedding_length", .uint32(64))
        b.tensorInfo("token_embd.weight", dimensions: [64, 8], type: GGMLType.f32.rawValue, offset: 0)
        b.pad(to: 32)
        b.bytes += [UInt8](repeating: 0, count: 64 * 8 * 4)
        let url = try b.write()
        #expect(throws: NativeModelError.invalidConfig(path: url.path, field: "llama.feed_forward_length", reason: "missing")) {
            _ = try NativeModel(gguf: url)
        }
    }
}
