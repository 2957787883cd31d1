import ArenaScript
import Foundation

extension ReportBuilder {
    /// The report of `contents` laid over the plan's cells: runs, comparisons, expectations and
    /// warnings each shown under the statement that made them.
    public init(plan: ExperimentPlan, contents: BundleContents, facts: [(String, String)]) {
        let expectationCells = plan.expectations.map { expectation -> (ExpectationResult, Int) in
            let result = contents.expectations.first { $0.line == expectation.line && $0.source == expectation.source }
                ?? ExpectationResult(source: expectation.source, line: expectation.line, passed: false, detail: "not evaluated")
            return (result, expectation.cell)
        }
        self.init(
            contents: contents,
            cells: plan.cells.map { .init(index: $0.index, line: $0.range.start.line, text: $0.text) },
            runCells: plan.runs.map { ($0.model, $0.cell) },
            comparisons: plan.comparisons.map { ($0.baseline, $0.candidate, $0.cell) },
            expectationCells: expectationCells,
            warnings: plan.warnings.map { warning in
                (plan.cells.last { $0.range.start.line <= warning.range.start.line }?.index ?? 0, warning.message)
            },
            facts: facts,
            seed: PairedComparison.seed(experiment: plan.seed))
    }
}

/// `arena-script report BUNDLE`: draws the charts and the report of a bundle again from its
/// results and its copy of the experiment, and refreshes the manifest.
public enum ReportRegenerator {
    public static func regenerate(bundle root: URL) throws {
        let contents = try BundleReader.read(root)
        let plan = try PlanLoader.load(path: root.appendingPathComponent(BundleLayout.experiment).path, checkingFiles: false)
        let lockfile = try LockfileReader.parse(contents.lockfileText, path: root.appendingPathComponent(BundleLayout.lockfile).path)
        let builder = ReportBuilder(plan: plan, contents: contents, facts: ExperimentRunner.facts(lockfile: lockfile))
        let (document, charts) = try builder.build(font: try FontRenderer())
        var bytes: [String: [UInt8]] = [:]
        for chart in charts {
            try AtomicFile.write(Data(chart.png), to: root.appendingPathComponent(chart.path))
            bytes[chart.path] = chart.png
        }
        try AtomicFile.write(MarkdownReportWriter.render(document), to: root.appendingPathComponent(BundleLayout.reportMarkdown))
        let html = try HTMLReportWriter.render(document) { path in
            guard let png = bytes[path] else { throw BundleError.unreadable(path: path, reason: "chart was not drawn") }
            return png
        }
        try AtomicFile.write(html, to: root.appendingPathComponent(BundleLayout.reportHTML))
        try BundleManifest.scan(root: root).write(to: root)
    }
}
