import Foundation

/// The 95% confidence interval the report's tables and charts show beside a task metric
/// (docs/statistics.md). A metric whose per-document values are all 0 or 1 is a proportion and
/// gets the Wilson score interval, which stays inside [0, 1] and is not empty at 0 of n. Any
/// other metric (F1, BLEU, ROUGE, truthfulqa_mc2's probability mass) gets the percentile
/// bootstrap of the mean over documents, drawn with the paired test's numpy plan, which stays
/// inside the range of the per-document values. lm-eval's `_stderr` fields are reported as
/// lm-eval computes them and are not used here.
public struct MetricInterval: Sendable, Equatable {
    public enum Method: String, Sendable, Equatable {
        case wilson
        case bootstrap
    }

    public let low: Double
    public let high: Double
    public let method: Method
    /// Documents the interval is over.
    public let count: Int

    public static let confidence = 0.95
    /// The two-sided 95% normal quantile, `scipy.special.ndtri(0.975)`.
    public static let z95 = 1.959963984540054

    /// The interval of a metric's per-document values (in doc-id order, so the bootstrap's draws
    /// are reproducible); nil when there are none.
    public static func of(_ values: [Double], seed: UInt32, iterations: Int = PairedComparison.defaultIterations) -> MetricInterval? {
        guard !values.isEmpty else { return nil }
        if values.allSatisfy({ $0 == 0 || $0 == 1 }) {
            let k = values.filter { $0 == 1 }.count
            let (low, high) = ProportionInterval.wilson(successes: k, count: values.count, z: z95)
            return MetricInterval(low: low, high: high, method: .wilson, count: values.count)
        }
        guard values.allSatisfy(\.isFinite),
              let interval = try? PairedStatistics.bootstrapCI(a: values, b: [Double](repeating: 0, count: values.count),
                                                               iterations: iterations, seed: seed, confidence: confidence)
        else { return nil }
        return MetricInterval(low: interval.lower, high: interval.upper, method: .bootstrap, count: values.count)
    }

    /// The interval of one task outcome's metric key (`acc,none`), over its samples.
    public static func of(_ outcome: TaskOutcome, key: String, seed: UInt32) -> MetricInterval? {
        let values = outcome.perDocument(key)
        return of(values.keys.sorted().compactMap { values[$0] }, seed: seed)
    }

    /// How the report names the method under a table or chart.
    public static let legend = "95% CI: Wilson score interval for 0/1 metrics, percentile bootstrap of the mean over documents otherwise"
}

/// Confidence intervals for a binomial proportion.
public enum ProportionInterval {
    /// The Wilson score interval of `k` successes in `n` trials for the two-sided normal quantile
    /// `z`, computed as scipy's `binomtest(k, n).proportion_ci(method="wilson")` does (Newcombe
    /// 1998): the bound at 0 of n is exactly 0, at n of n exactly 1.
    public static func wilson(successes k: Int, count n: Int, z: Double) -> (low: Double, high: Double) {
        precondition(n > 0 && k >= 0 && k <= n, "wilson needs 0 <= k <= n and n > 0")
        let nn = Double(n)
        let p = Double(k) / nn
        let q = 1 - p
        let denom = 2 * (nn + z * z)
        let center = (2 * nn * p + z * z) / denom
        let delta = z / denom * (4 * nn * p * q + z * z).squareRoot()
        let low = k == 0 ? 0.0 : center - delta
        let high = k == n ? 1.0 : center + delta
        return (low, high)
    }
}
