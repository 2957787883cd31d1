import Foundation

/// sacrebleu 2.x `corpus_bleu` for one hypothesis and one reference, with the settings lm-eval's
/// truthfulqa_gen uses: tokenizer "intl", no lower-casing, max n-gram order 4, no effective
/// order, and smoothing "exp" (mteval-v13a: each zero-count order gets 1/2^k of a match).
public enum SacreBLEU {
    static let maxOrder = 4

    /// `BLEU(tokenize="intl", smooth_method="exp").corpus_score([hypothesis], [[reference]]).score`.
    public static func corpusScore(hypothesis: String, reference: String) -> Double {
        let hypTokens = tokens(intlTokenize(PythonText.rstrip(hypothesis)))
        let refTokens = tokens(intlTokenize(PythonText.rstrip(reference)))
        let hypNgrams = ngramCounts(hypTokens)
        let refNgrams = ngramCounts(refTokens)
        var correct = [Int](repeating: 0, count: maxOrder)
        var total = [Int](repeating: 0, count: maxOrder)
        for (ngram, count) in hypNgrams {
            let order = ngram.count - 1
            total[order] += count
            if let refCount = refNgrams[ngram] { correct[order] += min(count, refCount) }
        }
        return computeBLEU(correct: correct, total: total, hypLength: hypTokens.count, refLength: refTokens.count)
    }

    /// `BLEU.compute_bleu` with smooth_method "exp" and effective_order False.
    static func computeBLEU(correct: [Int], total: [Int], hypLength: Int, refLength: Int) -> Double {
        var brevityPenalty = 1.0
        if hypLength < refLength {
            brevityPenalty = hypLength > 0 ? exp(1 - Double(refLength) / Double(hypLength)) : 0.0
        }
        if correct.allSatisfy({ $0 == 0 }) { return 0.0 }
        var precisions = [Double](repeating: 0, count: maxOrder)
        var smooth = 1.0
        for n in 0..<maxOrder {
            if total[n] == 0 { break }
            if correct[n] == 0 {
                smooth *= 2
                precisions[n] = 100.0 / (smooth * Double(total[n]))
            } else {
                precisions[n] = 100.0 * Double(correct[n]) / Double(total[n])
            }
        }
        // Python's sum() starts from the int 0 and adds left to right.
        var logSum = 0.0
        for p in precisions { logSum += p == 0 ? -9_999_999_999 : log(p) }
        return brevityPenalty * exp(logSum / Double(maxOrder))
    }

    /// `TokenizerV14International`: split punctuation off unless between digits, split symbols
    /// off, collapse whitespace. Categories are Unicode general categories (P*, N*, S*).
    public static func intlTokenize(_ line: String) -> String {
        var scalars = PythonText.codePoints(line)
        // (\P{N})(\p{P}) -> "\1 \2 "
        scalars = substitutePairs(scalars, first: { !isNumber($0) }, second: isPunctuation) { a, b in [a, " ", b, " "] }
        // (\p{P})(\P{N}) -> " \1 \2"
        scalars = substitutePairs(scalars, first: isPunctuation, second: { !isNumber($0) }) { a, b in [" ", a, " ", b] }
        // (\p{S}) -> " \1 "
        var spaced: [Unicode.Scalar] = []
        spaced.reserveCapacity(scalars.count * 2)
        for scalar in scalars {
            if isSymbol(scalar) { spaced.append(contentsOf: [" ", scalar, " "]) } else { spaced.append(scalar) }
        }
        return PythonText.splitOnWhitespace(PythonText.string(spaced)).joined(separator: " ")
    }

    /// A left-to-right, non-overlapping `re.sub` of a two-code-point pattern.
    private static func substitutePairs(_ scalars: [Unicode.Scalar], first: (Unicode.Scalar) -> Bool,
                                        second: (Unicode.Scalar) -> Bool,
                                        replacement: (Unicode.Scalar, Unicode.Scalar) -> [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(scalars.count * 2)
        var i = 0
        while i < scalars.count {
            if i + 1 < scalars.count, first(scalars[i]), second(scalars[i + 1]) {
                out.append(contentsOf: replacement(scalars[i], scalars[i + 1]))
                i += 2
            } else {
                out.append(scalars[i])
                i += 1
            }
        }
        return out
    }

    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    static func isNumber(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    static func isSymbol(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol: return true
        default: return false
        }
    }

    /// Whitespace-separated tokens (the tokenized line has single spaces only), keyed by code points.
    private static func tokens(_ line: String) -> [CodePointKey] {
        PythonText.splitOnWhitespace(line).map(CodePointKey.init)
    }

    /// `extract_all_word_ngrams(line, 1, 4)` counts.
    private static func ngramCounts(_ tokens: [CodePointKey]) -> [[CodePointKey]: Int] {
        var counts: [[CodePointKey]: Int] = [:]
        for n in 1...maxOrder where tokens.count >= n {
            for i in 0...(tokens.count - n) { counts[Array(tokens[i..<(i + n)]), default: 0] += 1 }
        }
        return counts
    }
}
