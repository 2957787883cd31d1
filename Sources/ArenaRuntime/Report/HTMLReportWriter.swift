import Foundation

/// A self-contained HTML page (inline CSS, charts as data URIs, no external assets) that reads
/// like a rendered notebook.
public enum HTMLReportWriter {
    /// `chartData` returns a chart's PNG bytes from its bundle-relative path.
    public static func render(_ document: ReportDocument, chartData: (String) throws -> [UInt8]) rethrows -> String {
        var out = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>\(escape(document.title))</title>
        <style>
        body { font-family: "DejaVu Sans", system-ui, sans-serif; max-width: 1280px; margin: 2rem auto; padding: 0 1rem; color: #212529; background: #fff; }
        h1 { font-size: 1.8rem; border-bottom: 2px solid #dee2e6; padding-bottom: .4rem; }
        .facts { font-size: .9rem; color: #495057; }
        .facts code { background: #f1f3f5; padding: 0 .3rem; border-radius: 3px; }
        .cell { border: 1px solid #dee2e6; border-radius: 6px; margin: 1.2rem 0; overflow: hidden; }
        .cell > .source { background: #f8f9fa; margin: 0; padding: .7rem 1rem; font-family: "DejaVu Sans Mono", monospace; font-size: .9rem; white-space: pre-wrap; }
        .cell > .source .line { color: #868e96; user-select: none; }
        .outputs { padding: .6rem 1rem; border-top: 1px solid #dee2e6; }
        table { border-collapse: collapse; margin: .6rem 0; font-size: .9rem; }
        th, td { border: 1px solid #dee2e6; padding: .3rem .6rem; }
        th { background: #f1f3f5; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        caption { text-align: left; font-weight: bold; padding: .3rem 0; }
        img { max-width: 100%; height: auto; border: 1px solid #e9ecef; }
        .pass { color: #2b8a3e; font-weight: bold; }
        .fail { color: #c92a2a; font-weight: bold; }
        .inconclusive { color: #e67700; font-weight: bold; }
        .warning { background: #fff9db; border-left: 4px solid #fab005; padding: .4rem .8rem; }
        </style>
        </head>
        <body>
        <h1>\(escape(document.title))</h1>

        """
        if !document.facts.isEmpty {
            out += "<ul class=\"facts\">\n"
            for (name, value) in document.facts { out += "<li><strong>\(escape(name))</strong>: <code>\(escape(value))</code></li>\n" }
            out += "</ul>\n"
        }
        for cell in document.cells {
            out += "<section class=\"cell\">\n<pre class=\"source\"><span class=\"line\">\(cell.line) </span>\(escape(cell.source))</pre>\n"
            if !cell.outputs.isEmpty {
                out += "<div class=\"outputs\">\n"
                for output in cell.outputs { out += try render(output, chartData: chartData) }
                out += "</div>\n"
            }
            out += "</section>\n"
        }
        out += "</body>\n</html>\n"
        return out
    }

    static func render(_ output: CellOutput, chartData: (String) throws -> [UInt8]) rethrows -> String {
        switch output {
        case let .table(table):
            var out = "<table>\n"
            if let caption = table.caption { out += "<caption>\(escape(caption))</caption>\n" }
            out += "<tr>" + table.header.map { "<th>\(escape($0))</th>" }.joined() + "</tr>\n"
            for row in table.rows {
                out += "<tr>" + row.enumerated().map { i, v in
                    table.numericColumns.contains(i) ? "<td class=\"num\">\(escape(v))</td>" : "<td>\(escape(v))</td>"
                }.joined() + "</tr>\n"
            }
            return out + "</table>\n"
        case let .chart(caption, path):
            let data = Data(try chartData(path)).base64EncodedString()
            return "<figure><img alt=\"\(escape(caption))\" src=\"data:image/png;base64,\(data)\"><figcaption>\(escape(caption))</figcaption></figure>\n"
        case let .expectation(text, verdict, detail):
            let (style, label) = switch verdict {
            case .passed: ("pass", "✔ passed")
            case .failed: ("fail", "✘ failed")
            case .inconclusive: ("inconclusive", "? inconclusive")
            }
            return "<p><span class=\"\(style)\">\(label)</span> <code>expect \(escape(text))</code> — \(escape(detail))</p>\n"
        case let .warning(text):
            return "<p class=\"warning\">\(escape(text))</p>\n"
        case let .note(text):
            return "<p>\(escape(text))</p>\n"
        }
    }

    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }
}
