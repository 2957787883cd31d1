import Foundation

/// The three forms `diff` prints: an aligned text table, JSON, and a Markdown table. Each row's
/// baseline, candidate, difference, CI, McNemar p, agreement and n are over the same paired
/// documents; `unpaired` counts the documents only one side scored.
public enum DiffRenderer {
    static let header = ["task", "metric", "baseline", "candidate", "difference", "95% CI", "McNemar p", "agreement", "n", "unpaired"]

    static func cells(_ row: BundleDiff.Row) -> [String] {
        let p = row.paired
        return [row.task, row.metric, f(p.meanA), f(p.meanB), p.difference.isFinite ? String(format: "%+.4f", p.difference) : "N/A",
                "[\(f(p.ciLow)), \(f(p.ciHigh))]", p.mcnemarP.map(f) ?? "–", f(p.agreement), String(p.count), unpaired(p)]
    }

    static func f(_ v: Double) -> String { v.isFinite ? String(format: "%.4f", v) : "N/A" }

    static func unpaired(_ p: PairedComparison) -> String {
        p.unpairedA + p.unpairedB == 0 ? "0" : "\(p.unpairedA) baseline, \(p.unpairedB) candidate"
    }

    static func title(_ diff: BundleDiff) -> String {
        "candidate \(diff.candidate.model) (\(diff.candidate.label)) vs baseline \(diff.baseline.model) (\(diff.baseline.label))"
    }

    /// Lines said above the table: settings that differ (when allowed).
    static func warnings(_ diff: BundleDiff) -> [String] {
        guard !diff.settingsDifferences.isEmpty else { return [] }
        return ["warning: the runs' settings differ (compared anyway, as --allow-different-settings asks):"]
            + diff.settingsDifferences.map { "  - \($0)" }
    }

    /// Lines said below the table: what the unpaired documents scored when recorded.
    static func notes(_ diff: BundleDiff) -> [String] {
        var out: [String] = []
        for row in diff.rows where row.paired.unpairedA + row.paired.unpairedB > 0 {
            out.append("\(row.task) \(row.metric): \(row.paired.count) paired documents; the recorded aggregates over all scored documents are "
                       + "\(f(row.recordedBaseline)) (baseline, \(row.paired.count + row.paired.unpairedA) documents) and "
                       + "\(f(row.recordedCandidate)) (candidate, \(row.paired.count + row.paired.unpairedB) documents)")
        }
        if !diff.unmatched.isEmpty { out.append("only on one side: \(diff.unmatched.joined(separator: ", "))") }
        return out
    }

    static var ciLegend: String { "difference and CI: candidate − baseline over the paired documents" }

    static func bootstrapLegend(_ diff: BundleDiff) -> String {
        "CI: paired bootstrap, \(diff.iterations) resamples, seed \(diff.seed) (docs/statistics.md)"
    }

    public static func text(_ diff: BundleDiff) -> String {
        let rows = [header] + diff.rows.map(cells)
        let widths = header.indices.map { i in rows.map { $0[i].count }.max() ?? 0 }
        var out = title(diff) + "\n\n"
        for line in warnings(diff) { out += line + "\n" }
        if !warnings(diff).isEmpty { out += "\n" }
        for (n, row) in rows.enumerated() {
            out += row.enumerated().map { i, cell in
                i < 2 || i == header.count - 1 ? cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                      : String(repeating: " ", count: widths[i] - cell.count) + cell
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) + "\n"
            if n == 0 { out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n" }
        }
        out += "\n"
        for line in notes(diff) { out += line + "\n" }
        out += ciLegend + "; " + bootstrapLegend(diff) + "\n"
        return out
    }

    public static func markdown(_ diff: BundleDiff) -> String {
        var out = ""
        for line in warnings(diff) { out += "> " + line.trimmingCharacters(in: .whitespaces) + "\n" }
        if !warnings(diff).isEmpty { out += "\n" }
        let table = ReportTable(caption: title(diff), header: header, rows: diff.rows.map(cells), numericColumns: [2, 3, 4, 6, 7, 8])
        out += MarkdownReportWriter.render(table)
        out += "\n"
        for line in notes(diff) { out += MarkdownReportWriter.escapeInline(line) + "\n\n" }
        out += MarkdownReportWriter.escapeInline(ciLegend + "; " + bootstrapLegend(diff)) + "\n"
        return out
    }

    public static func json(_ diff: BundleDiff) -> JSONValue {
        func number(_ v: Double) -> JSONValue { v.isFinite ? .double(v) : .null }
        return .object([
            "baseline": .object(["bundle": .string(diff.baseline.label), "model": .string(diff.baseline.model)]),
            "candidate": .object(["bundle": .string(diff.candidate.label), "model": .string(diff.candidate.model)]),
            "bootstrap": .object(["iterations": .int(diff.iterations), "seed": .int(Int(diff.seed)),
                                  "confidence": .double(PairedComparison.defaultConfidence)]),
            "unmatched_tasks": .array(diff.unmatched.map { .string($0) }),
            "settings_differences": .array(diff.settingsDifferences.map { .string($0) }),
            "rows": .array(diff.rows.map { r in
                .object([
                    "task": .string(r.task), "metric": .string(r.metric),
                    "baseline": number(r.paired.meanA), "candidate": number(r.paired.meanB),
                    "difference": number(r.paired.difference),
                    "ci_low": number(r.paired.ciLow), "ci_high": number(r.paired.ciHigh),
                    "mcnemar_p": r.paired.mcnemarP.map { .double($0) } ?? .null,
                    "only_baseline_correct": r.paired.onlyA.map { .int($0) } ?? .null,
                    "only_candidate_correct": r.paired.onlyB.map { .int($0) } ?? .null,
                    "agreement": number(r.paired.agreement), "n": .int(r.paired.count),
                    "unpaired_baseline": .int(r.paired.unpairedA), "unpaired_candidate": .int(r.paired.unpairedB),
                    "recorded_baseline": number(r.recordedBaseline), "recorded_candidate": number(r.recordedCandidate),
                ])
            }),
        ])
    }
}
