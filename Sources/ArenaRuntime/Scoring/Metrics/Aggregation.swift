import Foundation

/// lm-eval's `mean` aggregation and its standard error, summed left to right as Python's
/// `sum()` does (Python 3.11; 3.12's compensated `sum` can differ in the last bits).
public enum Aggregation {
    /// `sum(values) / len(values)`; NaN for no values (where Python raises ZeroDivisionError).
    public static func mean(_ values: [Double]) -> Double {
        var total = 0.0
        for value in values { total += value }
        return total / Double(values.count)
    }

    /// `mean_stderr`: sample standard deviation (n - 1) over sqrt(n). nil for fewer than two
    /// values, where lm-eval reports "N/A" instead of calling it.
    public static func meanStderr(_ values: [Double]) -> Double? {
        guard values.count > 1 else { return nil }
        let mu = mean(values)
        var squares = 0.0
        for value in values { squares += (value - mu) * (value - mu) }
        return (squares / Double(values.count - 1)).squareRoot() / Double(values.count).squareRoot()
    }
}
