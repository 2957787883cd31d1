import Foundation

/// The three forms `diff` prints: an aligned text table, JSON, and a Markdown table.
public enum DiffRenderer {
    static let header = ["task", "metric", "baseline", "candidate", "difference", "95% CI", "McNemar p", "agreement", "n"]

    static func cells(_ row: BundleDiff.Row) -> [String] {
        [row.task, row.metric, f(row.baseline), f(row.candidate), String(format: "%+.4f", row.candidate - row.baseline),
         "[\(f(row.paired.ciLow)), \(f(row.paired.ciHigh))]", row.paired.mcnemarP.map(f) ?? "–", f(row.paired.agreement),
         String(row.paired.count)]
    }

    static func f(_ v: Double) -> String { v.isFinite ? String(format: "%.4f", v) : "N/A" }

    static func title(_ diff: BundleDiff) -> String {
        "candidate \(diff.candidate.model) (\(diff.candidate.label)) vs baseline \(diff.baseline.model) (\(diff.baseline.label))"
    }

    public static func text(_ diff: BundleDiff) -> String {
        let rows = [header] + diff.rows.map(cells)
        let widths = header.indices.map { i in rows.map { $0[i].count }.max() ?? 0 }
        var out = title(diff) + "\n\n"
        for (n, row) in rows.enumerated() {
            out += row.enumerated().map { i, cell in
                i < 2 ? cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                      : String(repeating: " ", count: widths[i] - cell.count) + cell
            }.joined(separator: "  ") + "\n"
            if n == 0 { out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n" }
        }
        if !diff.unmatched.isEmpty { out += "\nonly on one side: \(diff.unmatched.joined(separator: ", "))\n" }
        out += "\nCI: paired bootstrap, \(PairedComparison.defaultIterations) resamples, seed \(PairedComparison.defaultSeed) (docs/statistics.md)\n"
        return out
    }

    public static func markdown(_ diff: BundleDiff) -> String {
        let table = ReportTable(caption: title(diff), header: header, rows: diff.rows.map(cells), numericColumns: [2, 3, 4, 6, 7, 8])
        var out = MarkdownReportWriter.render(table)
        if !diff.unmatched.isEmpty { out += "\nOnly on one side: \(diff.unmatched.joined(separator: ", "))\n" }
        return out
    }

    public static func json(_ diff: BundleDiff) -> JSONValue {
        .object([
            "baseline": .object(["bundle": .string(diff.baseline.label), "model": .string(diff.baseline.model)]),
            "candidate": .object(["bundle": .string(diff.candidate.label), "model": .string(diff.candidate.model)]),
            "bootstrap": .object(["iterations": .int(PairedComparison.defaultIterations), "seed": .int(Int(PairedComparison.defaultSeed))]),
            "unmatched_tasks": .array(diff.unmatched.map { .string($0) }),
            "rows": .array(diff.rows.map { r in
                .object([
                    "task": .string(r.task), "metric": .string(r.metric),
                    "baseline": .double(r.baseline), "candidate": .double(r.candidate),
                    "difference": .double(r.candidate - r.baseline),
                    "paired_difference": .double(r.paired.difference),
                    "ci_low": .double(r.paired.ciLow), "ci_high": .double(r.paired.ciHigh),
                    "mcnemar_p": r.paired.mcnemarP.map { .double($0) } ?? .null,
                    "only_baseline_correct": r.paired.onlyA.map { .int($0) } ?? .null,
                    "only_candidate_correct": r.paired.onlyB.map { .int($0) } ?? .null,
                    "agreement": .double(r.paired.agreement), "n": .int(r.paired.count),
                ])
            }),
        ])
    }
}
