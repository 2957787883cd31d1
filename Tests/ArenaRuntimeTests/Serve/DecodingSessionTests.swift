import Foundation
import Testing
@testable import ArenaRuntime

/// The native engine's key/value-cached decoding session against the default session, which
/// recomputes the whole sequence for every token through `nextTokenLogprobs`.
@Suite struct DecodingSessionTests {
    /// The native engine seen only through `nextTokenLogprobs`, so `startDecoding` is the default one.
    struct RecomputingNative: TokenLevelModel {
        let engine: NativeEngine
        var vocabularySize: Int { engine.vocabularySize }
        var maxModelLength: Int { engine.maxModelLength }
        var stopTokenIds: Set<Int> { engine.stopTokenIds }
        func nextTokenLogprobs(_ ids: [Int], positions: Range<Int>) throws -> [[Double]] {
            try engine.nextTokenLogprobs(ids, positions: positions)
        }
    }

    @Test func cachedAndRecomputedSessionsGiveTheSameDistributions() throws {
        let tokenizer = try Tokenizer(folder: ServeHarness.modelFolder)
        let engine = try NativeEngine(model: NativeModel(folder: ServeHarness.modelFolder), tokenizer: tokenizer, threads: 1)
        let prompt = tokenizer.encode("Once upon a time there was", addSpecialTokens: true)
        let cached = try engine.startDecoding(prompt, positions: 0 ..< prompt.count, capacity: prompt.count + 6)
        let recomputed = try RecomputingNative(engine: engine).startDecoding(prompt, positions: 0 ..< prompt.count, capacity: prompt.count + 6)
        #expect(cached.rows.count == prompt.count && recomputed.rows.count == prompt.count)
        var a = try #require(cached.rows.last), b = try #require(recomputed.rows.last)
        for _ in 0 ..< 6 {
            #expect(a.count == engine.vocabularySize)
            #expect(zip(a, b).allSatisfy { abs($0 - $1) < 1e-5 })
            let next = TokenSampler.argmax(a)
            #expect(next == TokenSampler.argmax(b))
            a = try cached.session.append(next)
            b = try recomputed.session.append(next)
        }
        // The cache holds exactly `capacity` tokens.
        #expect(throws: NativeEngineError.self) { try cached.session.append(0) }
    }

    @Test func logSoftmaxRowsAreNormalized() throws {
        let row = NextTokenDistribution.logSoftmax([1, 2, 3, -1000][...])
        #expect(abs(row.map { Foundation.exp($0) }.reduce(0, +) - 1) < 1e-12)
        #expect(abs(row[2] + Foundation.log(Foundation.exp(-2) + Foundation.exp(-1) + 1)) < 1e-12)
        #expect(TokenSampler.top(row, 2) == [2, 1])
    }
}
