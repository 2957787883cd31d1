@testable import ArenaRuntime
import Foundation
import Testing

/// Bit-reproducibility: a sequence's logits do not depend on the batch around it or on threads.
@Suite("Native engine determinism")
struct NativeDeterminismTests {
    /// Wide enough that every product is split into several column blocks and heads run in parallel.
    static func wideModel() throws -> NativeModel {
        let folder = try NativeTestSupport.generate(["--arch", "llama", "--seed", "9", "--hidden", "256", "--intermediate", "640", "--heads", "8", "--kv-heads", "2"])
        return try NativeModel(folder: folder)
    }

    @Test("logits are bit-identical with 1, 2, 3 and 8 threads")
    func threadCountInvariance() throws {
        let model = try Self.wideModel()
        #expect(model.config.hiddenSize > Kernels.columnBlock)
        let tokens = NativeTestSupport.tokens(count: 70, vocab: 512, seed: 21)
        let single = try model.logits(tokens: tokens, threads: 1)
        for threads in [2, 3, 8] {
            let parallel = try model.logits(tokens: tokens, threads: threads)
            #expect(parallel == single, "threads \(threads)")
        }
    }

    @Test("a sequence scores the same alone and inside batches of different sizes and order")
    func batchInvariance() throws {
        let model = try Self.wideModel()
        let target = (tokens: NativeTestSupport.tokens(count: 33, vocab: 512, seed: 1), contextLength: 25)
        let others = (2 ..< 9).map { i in (tokens: NativeTestSupport.tokens(count: 10 + 7 * i, vocab: 512, seed: UInt64(100 + i)), contextLength: 5 + i) }
        let alone = try NativeEngineHarness.engine(model, threads: 1).loglikelihood(sequences: [target])[0]
        let batches: [[(tokens: [Int], contextLength: Int)]] = [
            [others[0], target],
            [target, others[1], others[2], others[3]],
            others + [target],
        ]
        for (index, batch) in batches.enumerated() {
            for threads in [1, 2] {
                let results = try NativeEngineHarness.engine(model, threads: threads).loglikelihood(sequences: batch)
                let position = batch.firstIndex { $0.tokens == target.tokens } ?? -1
                #expect(results[position].logprob.bitPattern == alone.logprob.bitPattern, "batch \(index), threads \(threads)")
                #expect(results[position].isGreedy == alone.isGreedy)
            }
        }
    }

    @Test("a bad sequence in a batch fails the batch with that sequence's error")
    func batchErrors() throws {
        let engine = try NativeEngineHarness.engine(try NativeModel(folder: NativeTestSupport.tinyLlama), threads: 2)
        let good = (tokens: [5, 6, 7, 8], contextLength: 2)
        #expect(throws: NativeModelError.invalidTokens(reason: "id 900 is outside the vocabulary 0..<512")) {
            try engine.loglikelihood(sequences: [good, (tokens: [5, 900, 7], contextLength: 1), good, (tokens: [5, 6, 7], contextLength: 9)])
        }
    }

    @Test("decoding with the key/value cache matches full forward passes")
    func cachedDecodingMatchesFullPass() throws {
        let model = try NativeModel(folder: NativeTestSupport.tinyQwen2)
        let tokens = NativeTestSupport.tokens(count: 24, vocab: 512, seed: 5)
        let full = try model.logits(tokens: tokens, threads: 2)
        let cache = KVCache(config: model.config, capacity: tokens.count)
        let partition = FixedPartition(threads: 2)
        _ = try model.forward(tokens[..<16], cache: cache, logitRows: 0 ..< 0, partition: partition)
        for position in 16 ..< tokens.count {
            let step = try model.forward(tokens[position ... position], cache: cache, logitRows: 0 ..< 1, partition: partition)
            let difference = zip(step, full[position]).map { abs($0 - $1) }.max() ?? .infinity
            #expect(difference < 1e-4, "position \(position): \(difference)")
        }
        #expect(cache.count == tokens.count)
    }
}

/// Builds engines over an already loaded model for tests that use token ids directly.
enum NativeEngineHarness {
    static func engine(_ model: NativeModel, threads: Int) throws -> NativeEngine {
        try NativeEngine(model: model, tokenizer: nil, threads: threads)
    }
}
