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

    /// Edit script from a longest-common-subsequence table (lockfiles are a few hundred lines).
    static func script(_ a: [String], _ b: [String]) -> [Op] {
        let n = a.count, m = b.count
        var lcs = [[Int32]](repeating: [Int32](repeating: 0, count: m + 1), count: n + 1)
        if n > 0 && m > 0 {
            for i in stride(from: n - 1, through: 0, by: -1) {
                for j in stride(from: m - 1, through: 0, by: -1) {
                    lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
                }
            }
        }
        var ops: [Op] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, a[i] == b[j] {
                ops.append(Op(kind: .same, text: a[i], oldLine: i + 1, newLine: j + 1)); i += 1; j += 1
            } else if i < n, j == m || lcs[i + 1][j] >= lcs[i][j + 1] {
                ops.append(Op(kind: .delete, text: a[i], oldLine: i + 1, newLine: j + 1)); i += 1
            } else {
                ops.append(Op(kind: .insert, text: b[j], oldLine: i + 1, newLine: j + 1)); j += 1
            }
        }
        return ops
    }
}
