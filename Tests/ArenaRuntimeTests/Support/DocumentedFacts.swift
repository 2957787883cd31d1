import Foundation

/// The built-in values docs/language.md lists, read from its text as a user reads them: the task
/// and tag tables, each task's metrics and splits, each engine's precisions, the `generation:`
/// settings and the `dataset(...)` split parameters.
struct DocumentedFacts {
    static let docURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs/language.md")

    var tasks: [String] = []
    var tags: [String: [String]] = [:]
    var metrics: [String: [String]] = [:]
    var scoredSplit: [String: String] = [:]
    /// Absent for a task whose docs say `fewshot` must be 0.
    var fewshotSplit: [String: String] = [:]
    var defaultFewshot: [String: Int] = [:]
    /// "generations" or "choice likelihoods".
    var asksFor: [String: String] = [:]
    /// Engine kind -> precision names (empty for an engine without `precision:`).
    var precisions: [String: [String]] = [:]
    /// Engine kind -> precision -> the server arguments the docs give it (`--dtype bfloat16`).
    var precisionArguments: [String: [String: String]] = [:]
    var engines: [String] = []
    var generationSettings: [String] = []
    var datasetSplits: [String] = []

    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    static func read(_ url: URL = DocumentedFacts.docURL) throws -> DocumentedFacts {
        let doc = try String(contentsOf: url, encoding: .utf8)
        var facts = DocumentedFacts()
        for row in try tableRows(section(doc, "tasks")) {
            if row.count == 6 {
                let name = try ticked(row[0]).first ?? ""
                facts.tasks.append(name)
                facts.scoredSplit[name] = try ticked(row[1]).first
                if !row[2].hasPrefix("—") { facts.fewshotSplit[name] = try ticked(row[2]).first }
                facts.defaultFewshot[name] = Int(row[3])
                facts.asksFor[name] = row[4]
                // "`exact_match` (`exact_match,strict-match`), ...": the names outside the parentheses.
                facts.metrics[name] = try ticked(outsideParentheses(row[5]))
            } else if row.count == 2 {
                facts.tags[try ticked(row[0]).first ?? ""] = try ticked(row[1])
            }
        }
        for row in try tableRows(section(doc, "engines")) where row.count == 4 {
            let kind = try ticked(row[0]).first ?? ""
            facts.engines.append(kind)
            facts.precisions[kind] = row[1] == "—" ? [] : try ticked(outsideParentheses(row[1]))
            // "`bf16` (`--dtype bfloat16`)": each name then its arguments.
            let spans = row[1] == "—" ? [] : try ticked(row[1])
            facts.precisionArguments[kind] = Dictionary(stride(from: 0, to: spans.count - 1, by: 2).map { (spans[$0], spans[$0 + 1]) },
                                                        uniquingKeysWith: { a, _ in a })
        }
        let builtins = try section(doc, "builtins")
        for row in try tableRows(builtins) where row.count == 4 {
            if row[0] == "`generation:`", facts.generationSettings.isEmpty {
                guard let open = row[3].firstIndex(of: "("), let close = row[3][open...].firstIndex(of: ")") else {
                    throw Missing(description: "the generation: row lists no settings in parentheses")
                }
                facts.generationSettings = try ticked(String(row[3][row[3].index(after: open)..<close]))
            }
            let prefix = "local JSONL/JSON/CSV/Parquet file for the "
            if row[3].hasPrefix(prefix), let split = row[3].dropFirst(prefix.count).split(separator: " ").first,
               !facts.datasetSplits.contains(String(split)) {
                facts.datasetSplits.append(String(split))
            }
        }
        return facts
    }

    static func section(_ doc: String, _ marker: String) throws -> String {
        guard let start = doc.range(of: "<!-- \(marker):begin -->"), let end = doc.range(of: "<!-- \(marker):end -->") else {
            throw Missing(description: "docs/language.md has no \(marker) section")
        }
        return String(doc[start.upperBound..<end.lowerBound])
    }

    /// The cells of each table row, header and separator rows left out.
    static func tableRows(_ text: String) throws -> [[String]] {
        text.split(separator: "\n").filter { $0.hasPrefix("| ") }.compactMap { line in
            let cells = line.dropFirst(2).dropLast(2).components(separatedBy: " | ").map { $0.trimmingCharacters(in: .whitespaces) }
            return cells.first?.hasPrefix("`") == true ? cells : nil
        }
    }

    /// Every `code` span in `text`, in order.
    static func ticked(_ text: String) throws -> [String] {
        let parts = text.components(separatedBy: "`")
        guard parts.count % 2 == 1 else { throw Missing(description: "unbalanced backticks in \(text)") }
        return stride(from: 1, to: parts.count, by: 2).map { parts[$0] }
    }

    static func outsideParentheses(_ text: String) -> String {
        var depth = 0
        return String(text.filter { c in
            if c == "(" { depth += 1 } else if c == ")" { depth -= 1; return false }
            return depth == 0
        })
    }
}
