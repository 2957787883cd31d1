import Foundation

/// A paired comparison of two models on the same documents: B minus A, with a seeded paired
/// bootstrap 95% CI, McNemar's exact test for 0/1 metrics, and per-document agreement.
public struct PairedComparison: Sendable, Equatable {
    /// Documents scored by both, in doc-id order.
    public let count: Int
    public let meanA: Double
    public let meanB: Double
    /// `meanB - meanA`.
    public let difference: Double
    /// Percentile bootstrap 95% CI of the difference (2.5th and 97.5th percentiles, linear interpolation).
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
    public static let defaultSeed: UInt64 = 1234

    /// Compares per-document values keyed by doc id; documents present in only one side are ignored.
    public init(a: [Int: Double], b: [Int: Double], iterations: Int = defaultIterations, seed: UInt64 = defaultSeed) {
        let ids = Set(a.keys).intersection(b.keys).sorted()
        let xs = ids.map { a[$0] ?? 0 }
        let ys = ids.map { b[$0] ?? 0 }
        count = ids.count
        meanA = Self.mean(xs)
        meanB = Self.mean(ys)
        difference = meanB - meanA
        let diffs = zip(ys, xs).map { $0 - $1 }
        (ciLow, ciHigh) = Self.bootstrapCI(diffs, iterations: iterations, seed: seed)
        agreement = ids.isEmpty ? 1 : Double(zip(xs, ys).filter { $0 == $1 }.count) / Double(ids.count)
        let binary = (xs + ys).allSatisfy { $0 == 0 || $0 == 1 }
        if binary && !ids.isEmpty {
            let onlyA = zip(xs, ys).filter { $0 == 1 && $1 == 0 }.count
            let onlyB = zip(xs, ys).filter { $0 == 0 && $1 == 1 }.count
            self.onlyA = onlyA
            self.onlyB = onlyB
            mcnemarP = Self.mcnemarExactP(onlyA, onlyB)
        } else {
            onlyA = nil
            onlyB = nil
            mcnemarP = nil
        }
    }

    /// Left-to-right sum divided by n, so the result is the same on every machine.
    static func mean(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        var sum = 0.0
        for v in values { sum += v }
        return sum / Double(values.count)
    }

    /// Resamples documents with replacement `iterations` times with SplitMix64 seeded by `seed`;
    /// each draw is `next() % n`.
    static func bootstrapCI(_ diffs: [Double], iterations: Int, seed: UInt64) -> (Double, Double) {
        guard !diffs.isEmpty, iterations > 0 else { return (0, 0) }
        var rng = SplitMix64(seed: seed)
        let n = UInt64(diffs.count)
        var means = [Double](repeating: 0, count: iterations)
        for i in 0..<iterations {
            var sum = 0.0
            for _ in 0..<diffs.count { sum += diffs[Int(rng.next() % n)] }
            means[i] = sum / Double(diffs.count)
        }
        means.sort()
        return (percentile(means, 0.025), percentile(means, 0.975))
    }

    /// numpy's default ("linear") percentile of sorted values.
    static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
    }

    /// Two-sided exact McNemar p: 2 × P(X ≤ min(b, c)) for X ~ Binomial(b + c, 1/2), at most 1.
    public static func mcnemarExactP(_ b: Int, _ c: Int) -> Double {
        let n = b + c
        guard n > 0 else { return 1 }
        let k = min(b, c)
        // Sum the lower tail in log space: log C(n, i) - n log 2.
        var logTerms: [Double] = []
        var logChoose = 0.0  // log C(n, 0)
        for i in 0...k {
            if i > 0 { logChoose += log(Double(n - i + 1)) - log(Double(i)) }
            logTerms.append(logChoose - Double(n) * log(2.0))
        }
        let peak = logTerms.max() ?? 0
        var tail = 0.0
        for t in logTerms { tail += exp(t - peak) }
        return min(1, 2 * exp(peak) * tail)
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a small, fully specified generator, so bootstrap draws are
/// identical on every platform.
public struct SplitMix64: Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
