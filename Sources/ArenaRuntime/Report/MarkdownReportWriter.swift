/// GitHub-flavoured Markdown: tables, fenced `.arena` source, charts as relative image links.
public enum MarkdownReportWriter {
    public static func render(_ document: ReportDocument) -> String {
        var out = "# \(escapeInline(document.title))\n\n"
        if !document.facts.isEmpty {
            for (name, value) in document.facts { out += "- **\(escapeInline(name))**: `\(value)`\n" }
            out += "\n"
        }
        for cell in document.cells {
            out += "## Line \(cell.line)\n\n```\n\(cell.source)\n```\n\n"
            for output in cell.outputs { out += render(output) + "\n" }
        }
        return out
    }

    static func render(_ output: CellOutput) -> String {
        switch output {
        case let .table(table): return render(table)
        case let .chart(caption, path): return "![\(escapeInline(caption))](\(path))\n"
        case let .expectation(text, verdict, detail):
            let label = switch verdict {
            case .passed: "✅ **passed**"
            case .failed: "❌ **failed**"
            case .inconclusive: "❔ **inconclusive**"
            }
            return "\(label): `expect \(text)` — \(escapeInline(detail))\n"
        case let .warning(text): return "> ⚠️ \(escapeInline(text))\n"
        case let .note(text): return "\(escapeInline(text))\n"
        }
    }

    static func render(_ table: ReportTable) -> String {
        var out = ""
        if let caption = table.caption { out += "**\(escapeInline(caption))**\n\n" }
        out += "| " + table.header.map(escapeCell).joined(separator: " | ") + " |\n"
        out += "|" + table.header.indices.map { table.numericColumns.contains($0) ? "---:|" : "---|" }.joined() + "\n"
        for row in table.rows {
            out += "| " + row.map(escapeCell).joined(separator: " | ") + " |\n"
        }
        return out
    }

    static func escapeCell(_ text: String) -> String {
        escapeInline(text).replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    static func escapeInline(_ text: String) -> String {
        var out = ""
        for ch in text {
            if "\\`*<>".contains(ch) { out.append("\\") }
            out.append(ch)
        }
        return out
    }
}
