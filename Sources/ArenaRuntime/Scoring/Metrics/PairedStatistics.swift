import Foundation

/// Why a paired comparison could not be computed.
public struct PairedStatisticsError: Error, CustomStringConvertible, Equatable {
    public let reason: String
    public var description: String { "paired statistics: \(reason)" }
}

/// Statistics comparing two models scored on the same documents, for `diff`.
public enum PairedStatistics {
    public struct Interval: Sendable, Equatable {
        /// mean(a) − mean(b) on the full sample.
        public let difference: Double
        public let lower: Double
        public let upper: Double
    }

    /// Paired percentile bootstrap of mean(a) − mean(b). The plan is exactly this numpy code, so
    /// any result can be re-derived outside arena-script:
    ///
    ///     d = np.array(a) - np.array(b); rs = np.random.RandomState(seed)
    ///     means = [d[rs.randint(0, n, size=n)].mean() for _ in range(iterations)]
    ///     lower, upper = np.percentile(means, [100 * (1 - confidence) / 2, 100 * (1 + confidence) / 2])
    public static func bootstrapCI(a: [Double], b: [Double], iterations: Int = 1000, seed: UInt32 = 1234,
                                   confidence: Double = 0.95) throws -> Interval {
        guard a.count == b.count else {
            throw PairedStatisticsError(reason: "the two score lists differ in length (\(a.count) and \(b.count))")
        }
        guard !a.isEmpty else { throw PairedStatisticsError(reason: "no paired scores") }
        guard iterations > 0 else { throw PairedStatisticsError(reason: "iterations must be positive, got \(iterations)") }
        guard confidence > 0, confidence < 1 else {
            throw PairedStatisticsError(reason: "confidence must be between 0 and 1, got \(confidence)")
        }
        let n = a.count
        let differences = zip(a, b).map { $0 - $1 }
        var random = LegacyNumpyRandom(seed: seed)
        var means: [Double] = []
        means.reserveCapacity(iterations)
        var sample = [Double](repeating: 0, count: n)
        for _ in 0..<iterations {
            for i in 0..<n { sample[i] = differences[random.randint(n)] }
            means.append(NumpySum.mean(sample))
        }
        means.sort()
        let tail = 100 * (1 - confidence) / 2
        let head = 100 * (1 + confidence) / 2
        return Interval(difference: NumpySum.mean(differences),
                        lower: percentile(sorted: means, tail / 100), upper: percentile(sorted: means, head / 100))
    }

    /// `np.percentile(values, 100 * q)` with the default linear method on sorted values,
    /// including numpy's interpolation formula (from the upper neighbour when the fraction ≥ 0.5).
    static func percentile(sorted values: [Double], _ q: Double) -> Double {
        let n = values.count
        let virtualIndex = Double(n) * q + (1 + q * -1) - 1
        let clamped = min(max(virtualIndex, 0), Double(n - 1))
        let below = Int(clamped.rounded(.down))
        let above = min(below + 1, n - 1)
        let gamma = clamped - Double(below)
        let a = values[below], b = values[above]
        let span = b - a
        return gamma >= 0.5 ? b - span * (1 - gamma) : a + span * gamma
    }

    /// Exact McNemar test as statsmodels' `mcnemar(table, exact=True)` computes it: with `b` and
    /// `c` the discordant counts, p = min(1, 2 · P(X ≤ min(b, c))) for X ~ Binomial(b + c, 1/2).
    public static func mcnemarExactP(b: Int, c: Int) throws -> Double {
        guard b >= 0, c >= 0 else { throw PairedStatisticsError(reason: "discordant counts must not be negative (b \(b), c \(c))") }
        let n = b + c
        let k = min(b, c)
        if n == 0 { return 1 }
        if n <= 1000 {
            // P(X = 0) = 2^-n is exact; each next term is the previous times (n - j + 1) / j.
            var term = scalbn(1.0, -n)
            var total = term
            if k > 0 {
                for j in 1...k {
                    term *= Double(n - j + 1) / Double(j)
                    total += term
                }
            }
            return min(1, 2 * total)
        }
        // Larger n: 2^-n underflows, so start from the largest term (k ≤ n/2) in log space and
        // walk down, then add from the smallest up.
        var term = exp(logChoose(n, k) - Double(n) * log(2.0))
        var terms: [Double] = []
        var j = k
        while term > 0 {
            terms.append(term)
            if j == 0 { break }
            term *= Double(j) / Double(n - j + 1)
            j -= 1
        }
        var total = 0.0
        for value in terms.reversed() { total += value }
        return min(1, 2 * total)
    }

    static func logChoose(_ n: Int, _ k: Int) -> Double {
        lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
    }
}
