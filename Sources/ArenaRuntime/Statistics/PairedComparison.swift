import Foundation

/// A paired comparison of two models on the same documents: B minus A, with a seeded paired
/// bootstrap 95% CI, McNemar's exact test for 0/1 metrics, and per-document agreement
/// (docs/statistics.md).
public struct PairedComparison: Sendable, Equatable {
    /// Documents scored by both, in doc-id order.
    public let count: Int
    public let meanA: Double
    public let meanB: Double
    /// `meanB - meanA`.
    public let difference: Double
    /// Percentile bootstrap 95% CI of the difference.
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

    /// Compares per-document values keyed by doc id; documents present in only one side are ignored.
    /// The bootstrap and McNemar's test are `PairedStatistics`' (numpy's plan, scipy's binomial).
    public init(a: [Int: Double], b: [Int: Double], iterations: Int = defaultIterations, seed: UInt32 = defaultSeed) {
        let ids = Set(a.keys).intersection(b.keys).sorted()
        let xs = ids.map { a[$0] ?? 0 }
        let ys = ids.map { b[$0] ?? 0 }
        count = ids.count
        meanA = xs.isEmpty ? 0 : NumpySum.mean(xs)
        meanB = ys.isEmpty ? 0 : NumpySum.mean(ys)
        difference = meanB - meanA
        if let interval = try? PairedStatistics.bootstrapCI(a: ys, b: xs, iterations: iterations, seed: seed) {
            (ciLow, ciHigh) = (interval.lower, interval.upper)
        } else {
            (ciLow, ciHigh) = (0, 0)
        }
        agreement = ids.isEmpty ? 1 : Double(zip(xs, ys).filter { $0 == $1 }.count) / Double(ids.count)
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
