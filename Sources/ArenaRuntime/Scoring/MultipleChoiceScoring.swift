import Foundation

/// lm-eval's multiple_choice `process_results` (acc, acc_norm) and truthfulqa's
/// `process_results_mc2`, with numpy's argmax and summation order.
public enum MultipleChoiceScoring {
    /// `np.argmax`: the first maximum; the first NaN when there is one.
    public static func argmax(_ values: [Double]) -> Int {
        var best = 0
        for (i, value) in values.enumerated() {
            if value.isNaN { return i }
            if value > values[best] { best = i }
        }
        return best
    }

    /// The gold index lm-eval compares against, -100 when the target is not a valid choice.
    public static func goldIndex(_ target: TaskTarget, choices: [String]) -> Int {
        switch target {
        case let .index(i): return i < choices.count ? i : -100
        case let .text(text): return choices.firstIndex(of: text) ?? -100
        }
    }

    /// acc = argmax(lls) == gold; acc_norm = argmax(lls / len(choice)) == gold, `len` in code points.
    public static func accuracy(logprobs: [Double], choices: [String], target: TaskTarget) -> (acc: Double, accNorm: Double) {
        let gold = goldIndex(target, choices: choices)
        let normalized = zip(logprobs, choices).map { $0 / Double($1.unicodeScalars.count) }
        return (argmax(logprobs) == gold ? 1 : 0, argmax(normalized) == gold ? 1 : 0)
    }

    /// truthfulqa_mc2: the normalised probability mass on choices labelled 1.
    public static func mc2(logprobs: [Double], labels: [Int]) -> Double {
        let probabilities = logprobs.map { Foundation.exp($0) }
        let total = numpySum(probabilities)
        let normalized = probabilities.map { $0 / total }
        let trueMass = zip(normalized, labels).filter { $0.1 == 1 }.map(\.0)
        return numpySum(trueMass)
    }

    /// `np.sum` of a contiguous float64 array: numpy's pairwise summation (blocks of 128, eight
    /// interleaved accumulators inside a block), added to the identity 0.
    public static func numpySum(_ values: [Double]) -> Double {
        0.0 + pairwise(values[...])
    }

    private static func pairwise(_ a: ArraySlice<Double>) -> Double {
        let n = a.count
        let base = a.startIndex
        if n < 8 {
            var sum = -0.0
            for value in a { sum += value }
            return sum
        }
        if n <= 128 {
            var r = Array(a[base..<(base + 8)])
            var i = 8
            while i < n - (n % 8) {
                for j in 0..<8 { r[j] += a[base + i + j] }
                i += 8
            }
            var sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < n {
                sum += a[base + i]
                i += 1
            }
            return sum
        }
        var half = n / 2
        half -= half % 8
        return pairwise(a[base..<(base + half)]) + pairwise(a[(base + half)...])
    }
}
