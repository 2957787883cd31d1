/// Google's `rouge_score` package (RougeScorer without stemmer): rouge-N and summary-level
/// rouge-L ("rougeLsum", sentences split on "\n") F-measures.
public enum RougeScore {
    /// `tokenize.tokenize(text, None)`: lower-case, everything but [a-z0-9] becomes a separator.
    public static func tokenize(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        for scalar in PythonText.lower(text).unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                tokens.append(current)
                current = ""
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    /// `_score_ngrams` F-measure for n-grams of order `n`.
    public static func rougeN(target: String, prediction: String, n: Int) -> Double {
        let targetCounts = ngramCounts(tokenize(target), n: n)
        let predictionCounts = ngramCounts(tokenize(prediction), n: n)
        var intersection = 0
        for (ngram, count) in targetCounts { intersection += min(count, predictionCounts[ngram] ?? 0) }
        let targetTotal = targetCounts.values.reduce(0, +)
        let predictionTotal = predictionCounts.values.reduce(0, +)
        let precision = Double(intersection) / Double(max(predictionTotal, 1))
        let recall = Double(intersection) / Double(max(targetTotal, 1))
        return fmeasure(precision: precision, recall: recall)
    }

    /// `_summary_level_lcs` F-measure over "\n"-separated sentences.
    public static func rougeLsum(target: String, prediction: String) -> Double {
        let reference = sentences(target).map(tokenize)
        let candidate = sentences(prediction).map(tokenize)
        guard !reference.isEmpty, !candidate.isEmpty else { return 0 }
        let m = reference.reduce(0) { $0 + $1.count }
        let n = candidate.reduce(0) { $0 + $1.count }
        guard m > 0, n > 0 else { return 0 }
        var referenceCounts: [String: Int] = [:]
        var candidateCounts: [String: Int] = [:]
        for sentence in reference { for token in sentence { referenceCounts[token, default: 0] += 1 } }
        for sentence in candidate { for token in sentence { candidateCounts[token, default: 0] += 1 } }
        var hits = 0
        for sentence in reference {
            var union = Set<Int>()
            for other in candidate { union.formUnion(lcsIndices(sentence, other)) }
            for index in union.sorted() {
                let token = sentence[index]
                if candidateCounts[token, default: 0] > 0 && referenceCounts[token, default: 0] > 0 {
                    hits += 1
                    candidateCounts[token, default: 0] -= 1
                    referenceCounts[token, default: 0] -= 1
                }
            }
        }
        return fmeasure(precision: Double(hits) / Double(n), recall: Double(hits) / Double(m))
    }

    /// `scoring.fmeasure`.
    static func fmeasure(precision: Double, recall: Double) -> Double {
        precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
    }

    /// `text.split("\n")` without empty pieces.
    static func sentences(_ text: String) -> [String] {
        text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: true).map { String($0) }
    }

    /// `lcs_ind`: the reference indices of one longest common subsequence, read back from the
    /// table exactly as `_backtrack_norec` does.
    static func lcsIndices(_ reference: [String], _ candidate: [String]) -> [Int] {
        let rows = reference.count, cols = candidate.count
        var table = [[Int]](repeating: [Int](repeating: 0, count: cols + 1), count: rows + 1)
        if rows > 0 && cols > 0 {
            for i in 1...rows {
                for j in 1...cols {
                    table[i][j] = reference[i - 1] == candidate[j - 1]
                        ? table[i - 1][j - 1] + 1 : max(table[i - 1][j], table[i][j - 1])
                }
            }
        }
        var i = rows, j = cols
        var indices: [Int] = []
        while i > 0 && j > 0 {
            if reference[i - 1] == candidate[j - 1] {
                indices.append(i - 1)
                i -= 1
                j -= 1
            } else if table[i][j - 1] > table[i - 1][j] {
                j -= 1
            } else {
                i -= 1
            }
        }
        return indices.reversed()
    }

    private static func ngramCounts(_ tokens: [String], n: Int) -> [[String]: Int] {
        var counts: [[String]: Int] = [:]
        guard tokens.count >= n else { return counts }
        for i in 0...(tokens.count - n) { counts[Array(tokens[i..<(i + n)]), default: 0] += 1 }
        return counts
    }
}
