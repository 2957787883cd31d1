import ArenaScript
import Foundation

/// A paired comparison of two models on the same documents: B minus A, with a seeded paired
/// bootstrap CI, McNemar's exact test for 0/1 metrics, and per-document agreement
/// (docs/statistics.md).
public struct PairedComparison: Sendable, Equatable {
    /// Documents scored by both, in doc-id order.
    public let count: Int
    /// Documents only A scored, and only B scored: left out of every figure here.
    public let unpairedA: Int
    public let unpairedB: Int
    /// Means over the paired documents only.
    public let meanA: Double
    public let meanB: Double
    /// `meanB - meanA` over the paired documents.
    public let difference: Double
    /// Confidence level of `ciLow ... ciHigh`.
    public let confidence: Double
    /// Percentile bootstrap CI of the difference.
    public let ciLow: Double
    public let ciHigh: Double
    /// Fraction of documents where both got the same score.
    public let agreement: Double
    /// Documents A got right and B wrong, and the reverse (0/1 metrics only).
    public let onlyA: Int?
    public let onlyB: Int?
    /// McNemar's exact two-sided p (binomial on the discordant pairs); nil unless all values are 0 or 1.
    public let mcnemarP: Double?

    public static let defaultIterations = 10_000
    public static let defaultSeed: UInt32 = 1234
    public static let defaultConfidence = 0.95

    /// The bootstrap seed of an experiment: its `seed` (numpy's `RandomState` takes 0 ..< 2^32;
    /// larger seeds are taken modulo 2^32).
    public static func seed(experiment seed: Int) -> UInt32 { UInt32(truncatingIfNeeded: seed) }

    /// Compares per-document values keyed by doc id; documents present in only one side are
    /// counted in `unpairedA`/`unpairedB` and otherwise ignored. The bootstrap and McNemar's test
    /// are `PairedStatistics`' (numpy's plan, scipy's binomial).
    public init(a: [Int: Double], b: [Int: Double], iterations: Int = defaultIterations, seed: UInt32 = defaultSeed,
                confidence: Double = defaultConfidence) {
        let ids = Set(a.keys).intersection(b.keys).sorted()
        let xs = ids.map { a[$0] ?? 0 }
        let ys = ids.map { b[$0] ?? 0 }
        count = ids.count
        unpairedA = a.count - ids.count
        unpairedB = b.count - ids.count
        meanA = xs.isEmpty ? .nan : NumpySum.mean(xs)
        meanB = ys.isEmpty ? .nan : NumpySum.mean(ys)
        difference = meanB - meanA
        self.confidence = confidence
        if let interval = try? PairedStatistics.bootstrapCI(a: ys, b: xs, iterations: iterations, seed: seed, confidence: confidence) {
            (ciLow, ciHigh) = (interval.lower, interval.upper)
        } else {
            (ciLow, ciHigh) = (.nan, .nan)
        }
        agreement = ids.isEmpty ? .nan : Double(zip(xs, ys).filter { $0 == $1 }.count) / Double(ids.count)
        let binary = (xs + ys).allSatisfy { $0 == 0 || $0 == 1 }
        if binary && !ids.isEmpty {
            let onlyA = zip(xs, ys).filter { $0 == 1 && $1 == 0 }.count
            let onlyB = zip(xs, ys).filter { $0 == 0 && $1 == 1 }.count
            self.onlyA = onlyA
            self.onlyB = onlyB
            mcnemarP = try? PairedStatistics.mcnemarExactP(b: onlyA, c: onlyB)
        } else {
            onlyA = nil
            onlyB = nil
            mcnemarP = nil
        }
    }
}

/// A confidence level as people write it: 0.95 → "95%", 0.999 → "99.9%".
public enum PercentText {
    public static func of(_ level: Double) -> String {
        let percent = (level * 100 * 1e6).rounded() / 1e6
        return Value.format(percent) + "%"
    }
}
