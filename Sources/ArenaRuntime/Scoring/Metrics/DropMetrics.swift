/// DROP's em and f1 exactly as lm-eval's `lm_eval/tasks/drop/utils.py` computes them
/// (`process_results`, `get_metrics`, `_answer_to_bags`, `_align_bags`, `_normalize`).
public enum DropMetrics {
    /// `process_results`: the best em and f1 of the generation (one span) over the gold answers
    /// whose first span is not blank; (0, 0) when there is none.
    public static func score(prediction: String, golds: [[String]]) -> (em: Double, f1: Double) {
        var bestEM = 0.0
        var bestF1 = 0.0
        for gold in golds {
            guard let first = gold.first, !PythonText.strip(first).isEmpty else { continue }
            let (em, f1) = metrics(predicted: [prediction], gold: gold)
            bestEM = max(bestEM, em)
            bestF1 = max(bestF1, f1)
        }
        return (bestEM, bestF1)
    }

    /// `get_metrics` for a predicted and a gold answer, each a list of spans: em is 1 when the
    /// normalised spans are the same set of the same size; f1 is the mean over the optimal
    /// one-to-one alignment of span bags, rounded to 2 decimals as numpy's `round` does.
    public static func metrics(predicted: [String], gold: [String]) -> (em: Double, f1: Double) {
        let predictedBags = bags(predicted)
        let goldBags = bags(gold)
        let sameSpans = Set(predictedBags.spans.map(CodePointKey.init)) == Set(goldBags.spans.map(CodePointKey.init))
            && predictedBags.spans.count == goldBags.spans.count
        let perBag = alignBags(predicted: predictedBags.tokens, gold: goldBags.tokens)
        let f1 = NumpySum.mean(perBag)
        return (sameSpans ? 1.0 : 0.0, numpyRound(f1, decimals: 2))
    }

    /// `np.round(x, d)` for d > 0: scale, round half to even, unscale.
    static func numpyRound(_ value: Double, decimals: Int) -> Double {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        return (value * scale).rounded(.toNearestOrEven) / scale
    }

    private static func bags(_ spans: [String]) -> (spans: [String], tokens: [Set<CodePointKey>]) {
        let normalized = spans.map(normalize)
        return (normalized, normalized.map { Set(PythonText.splitOnWhitespace($0).map(CodePointKey.init)) })
    }

    /// `_align_bags`: scores of every (gold, predicted) pair whose numbers agree, the optimal
    /// assignment, and per gold row the score it was assigned (zero-padded to the longer side).
    static func alignBags(predicted: [Set<CodePointKey>], gold: [Set<CodePointKey>]) -> [Double] {
        var scores = [[Double]](repeating: [Double](repeating: 0, count: predicted.count), count: gold.count)
        for (g, goldBag) in gold.enumerated() {
            for (p, predictedBag) in predicted.enumerated() where numbersMatchIfPresent(gold: goldBag, predicted: predictedBag) {
                scores[g][p] = f1(predicted: predictedBag, gold: goldBag)
            }
        }
        var best = [Double](repeating: 0, count: max(gold.count, predicted.count))
        for pair in LinearSumAssignment.maximize(scores) {
            best[pair.row] = max(best[pair.row], scores[pair.row][pair.column])
        }
        return best
    }

    static func f1(predicted: Set<CodePointKey>, gold: Set<CodePointKey>) -> Double {
        let intersection = Double(gold.intersection(predicted).count)
        let precision = predicted.isEmpty ? 1.0 : intersection / Double(predicted.count)
        let recall = gold.isEmpty ? 1.0 : intersection / Double(gold.count)
        if precision == 0 && recall == 0 { return 0 }
        return (2 * precision * recall) / (precision + recall)
    }

    static func numbersMatchIfPresent(gold: Set<CodePointKey>, predicted: Set<CodePointKey>) -> Bool {
        let goldNumbers = gold.filter(isNumber)
        if goldNumbers.isEmpty { return true }
        return !goldNumbers.intersection(predicted.filter(isNumber)).isEmpty
    }

    private static func isNumber(_ key: CodePointKey) -> Bool {
        PythonNumber.isFloat(String(decoding: key.bytes, as: UTF8.self))
    }
}

extension DropMetrics {
    static let articles: PythonRegex = {
        do { return try PythonRegex(#"\b(a|an|the)\b"#) } catch {
            preconditionFailure("built-in pattern does not compile: \(error)")
        }
    }()

    /// `_normalize`: split on each space and hyphen; per token lower-case, drop ASCII punctuation
    /// unless it parses as a float, respell floats as Python's `str(float)`, replace articles by
    /// a space, collapse whitespace; join the non-blank tokens with spaces.
    public static func normalize(_ answer: String) -> String {
        var tokens: [String] = []
        for token in splitOnSpaceAndHyphen(answer) {
            var text = PythonText.lower(token)
            if !PythonNumber.isFloat(text) {
                text = PythonText.string(text.unicodeScalars.filter { !ExactMatch.isASCIIPunctuation($0) })
            }
            if let number = PythonNumber.parseFloat(text) { text = PythonNumber.str(number) }
            text = articles.replacingMatches(in: text, with: " ")
            text = PythonText.splitOnWhitespace(text).joined(separator: " ")
            if !PythonText.strip(text).isEmpty { tokens.append(text) }
        }
        return PythonText.strip(tokens.joined(separator: " "))
    }

    /// `re.split(" |-", text)`.
    static func splitOnSpaceAndHyphen(_ text: String) -> [String] {
        var pieces: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == " " || scalar == "-" {
                pieces.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        pieces.append(String(current))
        return pieces
    }
}
