/// A line diff in unified format (`---`/`+++` headers, `@@ -a,b +c,d @@` hunks, 3 lines of context).
public enum UnifiedDiff {
    public static func render(old: String, new: String, oldName: String, newName: String, context: Int = 3) -> String {
        let a = lines(old), b = lines(new)
        let ops = script(a, b)
        guard ops.contains(where: { $0.kind != .same }) else { return "" }
        var out = ["--- \(oldName)", "+++ \(newName)"]
        // Group changes whose context windows overlap into hunks.
        var i = 0
        while i < ops.count {
            guard ops[i].kind != .same else { i += 1; continue }
            let start = max(0, i - context)
            var end = i
            var lastChange = i
            while end < ops.count {
                if ops[end].kind != .same { lastChange = end }
                if end - lastChange > 2 * context { break }
                end += 1
            }
            end = min(ops.count, lastChange + context + 1)
            let hunk = ops[start..<end]
            let oldStart = hunk.first?.oldLine ?? 0, newStart = hunk.first?.newLine ?? 0
            let oldCount = hunk.filter { $0.kind != .insert }.count
            let newCount = hunk.filter { $0.kind != .delete }.count
            out.append("@@ -\(oldCount == 0 ? oldStart - 1 : oldStart),\(oldCount) +\(newCount == 0 ? newStart - 1 : newStart),\(newCount) @@")
            for op in hunk {
                switch op.kind {
                case .same: out.append(" " + op.text)
                case .delete: out.append("-" + op.text)
                case .insert: out.append("+" + op.text)
                }
            }
            i = end
        }
        return out.joined(separator: "\n") + "\n"
    }

    private static func lines(_ s: String) -> [String] {
        var parts = s.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if parts.last == "" { parts.removeLast() }
        return parts
    }

    enum Kind { case same, delete, insert }

    struct Op {
        var kind: Kind
        var text: String
        /// 1-based line numbers in the old and new text at this point.
        var oldLine: Int
        var newLine: Int
    }

    /// Edit script: common prefix and suffix, and a longest-common-subsequence table for the
    /// middle (replaced by delete-all/insert-all past `maxCells`, so memory stays bounded).
    static func script(_ a: [String], _ b: [String], maxCells: Int = 4_000_000) -> [Op] {
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        let midA = Array(a[prefix..<(a.count - suffix)]), midB = Array(b[prefix..<(b.count - suffix)])
        var ops: [Op] = (0..<prefix).map { Op(kind: .same, text: a[$0], oldLine: $0 + 1, newLine: $0 + 1) }
        let n = midA.count, m = midB.count
        var i = 0, j = 0
        if n * m <= maxCells {
            var lcs = [[Int32]](repeating: [Int32](repeating: 0, count: m + 1), count: n + 1)
            if n > 0 && m > 0 {
                for x in stride(from: n - 1, through: 0, by: -1) {
                    for y in stride(from: m - 1, through: 0, by: -1) {
                        lcs[x][y] = midA[x] == midB[y] ? lcs[x + 1][y + 1] + 1 : max(lcs[x + 1][y], lcs[x][y + 1])
                    }
                }
            }
            while i < n || j < m {
                if i < n, j < m, midA[i] == midB[j] {
                    ops.append(Op(kind: .same, text: midA[i], oldLine: prefix + i + 1, newLine: prefix + j + 1)); i += 1; j += 1
                } else if i < n, j == m || lcs[i + 1][j] >= lcs[i][j + 1] {
                    ops.append(Op(kind: .delete, text: midA[i], oldLine: prefix + i + 1, newLine: prefix + j + 1)); i += 1
                } else {
                    ops.append(Op(kind: .insert, text: midB[j], oldLine: prefix + i + 1, newLine: prefix + j + 1)); j += 1
                }
            }
        } else {
            for x in 0..<n { ops.append(Op(kind: .delete, text: midA[x], oldLine: prefix + x + 1, newLine: prefix + 1)) }
            for y in 0..<m { ops.append(Op(kind: .insert, text: midB[y], oldLine: prefix + n + 1, newLine: prefix + y + 1)) }
            i = n
            j = m
        }
        for k in 0..<suffix {
            ops.append(Op(kind: .same, text: a[a.count - suffix + k], oldLine: prefix + i + k + 1, newLine: prefix + j + k + 1))
        }
        return ops
    }
}
