import ArenaRuntime
import Foundation
import Testing

/// The Swift forward pass against the independent numpy reference (Tests/Fixtures/native/reference.py).
@Suite("Native engine against the numpy reference")
struct NativeReferenceTests {
    /// A model: a committed folder, or generator arguments for a temporary one.
    enum Variant: String, CaseIterable, CustomTestStringConvertible {
        case tinyLlama, tinyQwen2
        case llamaBF16, llamaF16, qwen2BF16, qwen2F16
        case llama3RopeScaling, mistral, llamaSharded

        var testDescription: String { rawValue }

        func folder() throws -> URL {
            switch self {
            case .tinyLlama: return NativeTestSupport.tinyLlama
            case .tinyQwen2: return NativeTestSupport.tinyQwen2
            case .llamaBF16: return try NativeTestSupport.generate(["--preset", "tiny-llama", "--dtype", "bf16"])
            case .llamaF16: return try NativeTestSupport.generate(["--preset", "tiny-llama", "--dtype", "f16"])
            case .qwen2BF16: return try NativeTestSupport.generate(["--preset", "tiny-qwen2", "--dtype", "bf16"])
            case .qwen2F16: return try NativeTestSupport.generate(["--preset", "tiny-qwen2", "--dtype", "f16"])
            case .llama3RopeScaling: return try NativeTestSupport.generate(["--preset", "tiny-llama", "--rope-scaling", "llama3", "--rope-theta", "500000"])
            case .mistral: return try NativeTestSupport.generate(["--arch", "mistral", "--seed", "5", "--heads", "8", "--kv-heads", "2"])
            case .llamaSharded: return try NativeTestSupport.generate(["--preset", "tiny-llama", "--shards", "3"])
            }
        }
    }

    @Test("logits within 1e-4 of the reference", arguments: Variant.allCases)
    func logitsMatchReference(variant: Variant) throws {
        let folder = try variant.folder()
        let model = try NativeModel(folder: folder)
        // 200 positions: long enough that llama3 rope scaling changes the low frequencies.
        let tokens = NativeTestSupport.tokens(count: 200, vocab: model.config.vocabSize, seed: 7)
        let expected = try NativeTestSupport.referenceLogits(model: folder, tokens: tokens)
        let actual = try model.logits(tokens: tokens, threads: 2)
        #expect(actual.count == tokens.count && expected.count == tokens.count)
        #expect(actual.allSatisfy { $0.count == model.config.vocabSize })
        let difference = NativeTestSupport.maxAbsDifference(actual, expected)
        #expect(difference < 1e-4, "max |logit difference| \(difference) for \(variant)")
        // The logits are far from uniform, so a 1e-4 bound says something.
        let spread = (expected.first?.max() ?? 0) - (expected.first?.min() ?? 0)
        #expect(spread > 1)
    }

    @Test("llama3 rope scaling changes the logits of late positions")
    func ropeScalingMatters() throws {
        let plain = try NativeTestSupport.generate(["--preset", "tiny-llama", "--rope-theta", "500000"])
        let scaled = try NativeTestSupport.generate(["--preset", "tiny-llama", "--rope-theta", "500000", "--rope-scaling", "llama3"])
        let tokens = NativeTestSupport.tokens(count: 150, vocab: 512, seed: 3)
        let a = try NativeModel(folder: plain).logits(tokens: tokens, threads: 1)
        let b = try NativeModel(folder: scaled).logits(tokens: tokens, threads: 1)
        #expect(a[0] == b[0], "position 0 has no rotation, so scaling cannot change it")
        let late = zip(a[149], b[149]).map { abs($0 - $1) }.max() ?? 0
        #expect(late > 1e-3)
    }

    @Test("sharded weights give the same logits as a single file, bit for bit")
    func shardedEqualsSingle() throws {
        let sharded = try NativeTestSupport.generate(["--preset", "tiny-llama", "--shards", "3"])
        let files = try FileManager.default.contentsOfDirectory(atPath: sharded.path).sorted()
        #expect(files.contains("model.safetensors.index.json") && files.contains("model-00003-of-00003.safetensors"))
        let tokens = NativeTestSupport.tokens(count: 40, vocab: 512, seed: 11)
        let a = try NativeModel(folder: sharded).logits(tokens: tokens, threads: 2)
        let b = try NativeModel(folder: NativeTestSupport.tinyLlama).logits(tokens: tokens, threads: 2)
        #expect(a == b)
    }
}
