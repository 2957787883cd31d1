/// The metric functions generation tasks are scored with (gsm8k filters and exact_match, DROP
/// em/f1, truthfulqa_gen BLEU/ROUGE), as one value so the scorer reaches them in one place.
public struct GenerationMetrics: Sendable {
    /// gsm8k's strict-match and flexible-extract filters (regex, then take_first).
    public var gsm8kStrictMatch: @Sendable (String) -> String
    public var gsm8kFlexibleExtract: @Sendable (String) -> String
    /// exact_match with gsm8k's settings (ignore_case, regexes_to_ignore) of a filtered answer
    /// against the full reference answer.
    public var gsm8kExactMatch: @Sendable (_ prediction: String, _ reference: String) -> Double
    /// DROP's em and f1 of a generation against the gold answers (each a list of spans).
    public var drop: @Sendable (_ prediction: String, _ golds: [[String]]) -> (em: Double, f1: Double)
    /// truthfulqa_gen's bleu/rouge {max, acc, diff} of a completion against true and false references.
    public var truthfulQAGen: @Sendable (_ completion: String, _ correct: [String], _ incorrect: [String]) -> [String: Double]

    public init(
        gsm8kStrictMatch: @escaping @Sendable (String) -> String,
        gsm8kFlexibleExtract: @escaping @Sendable (String) -> String,
        gsm8kExactMatch: @escaping @Sendable (String, String) -> Double,
        drop: @escaping @Sendable (String, [[String]]) -> (em: Double, f1: Double),
        truthfulQAGen: @escaping @Sendable (String, [String], [String]) -> [String: Double]
    ) {
        self.gsm8kStrictMatch = gsm8kStrictMatch
        self.gsm8kFlexibleExtract = gsm8kFlexibleExtract
        self.gsm8kExactMatch = gsm8kExactMatch
        self.drop = drop
        self.truthfulQAGen = truthfulQAGen
    }
}

/// lm-eval's `mean` aggregation and its `mean_stderr`.
enum MetricAggregation {
    /// `sum(arr) / len(arr)`, summed left to right.
    static func mean(_ values: [Double]) -> Double {
        var sum = 0.0
        for value in values { sum += value }
        return sum / Double(values.count)
    }

    /// `sample_stddev(arr) / sqrt(len(arr))` with the n-1 denominator.
    static func meanStderr(_ values: [Double]) -> Double {
        let mu = mean(values)
        var squares = 0.0
        for value in values { squares += (value - mu) * (value - mu) }
        return (squares / Double(values.count - 1)).squareRoot() / Double(values.count).squareRoot()
    }
}
