import Foundation
import Testing
@testable import ArenaRuntime

@Suite struct ReportWriterTests {
    let document = ReportDocument(
        title: "finetune-vs-base",
        facts: [("git commit", "0123abcd"), ("lockfile sha256", "ffee")],
        cells: [
            ReportCell(line: 3, source: "let base = model(\"Qwen/Qwen2.5-3B-Instruct\")", outputs: []),
            ReportCell(line: 9, source: "for m in [base, tuned] { evaluate(m, on: suite, with: server) }", outputs: [
                .table(ReportTable(caption: "base", header: ["task", "metric", "value", "95% CI"],
                                   rows: [["gsm8k", "exact_match", "0.420", "[0.323, 0.517]"], ["a|b", "acc", "<1>", "-"]],
                                   numericColumns: [2])),
                .chart(caption: "gsm8k", path: "charts/gsm8k.png"),
            ]),
            ReportCell(line: 11, source: "expect tuned.gsm8k.exact_match >= base.gsm8k.exact_match", outputs: [
                .expectation(text: "tuned.gsm8k.exact_match >= base.gsm8k.exact_match", verdict: .failed, detail: "0.410 >= 0.420"),
                .warning("5 documents had no answer"),
            ]),
        ])

    @Test func markdownHasTheCellsInOrderWithTablesAndImages() {
        let md = MarkdownReportWriter.render(document)
        let lines = md.components(separatedBy: "\n")
        #expect(lines.first == "# finetune-vs-base")
        let order = ["## Line 3", "## Line 9", "## Line 11"].compactMap { h in lines.firstIndex(of: h) }
        #expect(order.count == 3 && order == order.sorted())
        #expect(md.contains("| task | metric | value | 95% CI |\n|---|---|---:|---|\n| gsm8k | exact_match | 0.420 | [0.323, 0.517] |"))
        #expect(md.contains("| a\\|b | acc | \\<1\\> | - |"))
        #expect(md.contains("![gsm8k](charts/gsm8k.png)"))
        #expect(md.contains("❌ **failed**: `expect tuned.gsm8k.exact_match >= base.gsm8k.exact_match`"))
    }

    @Test func htmlIsSelfContainedAndEscaped() throws {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47]
        var requested: [String] = []
        let html = HTMLReportWriter.render(document) { path in requested.append(path); return png }
        #expect(requested == ["charts/gsm8k.png"])
        #expect(html.contains("src=\"data:image/png;base64,\(Data(png).base64EncodedString())\""))
        #expect(!html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("<link"))
        #expect(html.contains("<td>&lt;1&gt;</td>") == false)  // column 2 is numeric
        #expect(html.contains("<td class=\"num\">&lt;1&gt;</td>"))
        #expect(html.contains("<span class=\"fail\">"))
        #expect(html.hasPrefix("<!DOCTYPE html>"))
    }
}

@Suite struct HTMLCellLayoutTests {
    @Test func cellsWithoutOutputsHaveNoOutputBox() throws {
        let document = ReportDocument(title: "t", facts: [], cells: [
            ReportCell(line: 1, source: "let a = 1", outputs: []),
            ReportCell(line: 2, source: "expect a.b.c > 0", outputs: [.note("shown")]),
        ])
        let html = HTMLReportWriter.render(document) { _ in [] }
        #expect(html.components(separatedBy: "<div class=\"outputs\">").count == 2)
        #expect(html.contains("<div class=\"outputs\">\n<p>shown</p>\n</div>"))
    }
}
