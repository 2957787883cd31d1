import Foundation

/// Turns a run's results into the notebook report: each top-level statement with its outputs
/// (metric tables, comparison tables, charts, expectation results, warnings), and the charts' PNGs.
public struct ReportBuilder {
    /// A top-level statement of the experiment.
    public struct SourceCell: Sendable, Equatable {
        public var index: Int
        public var line: Int
        public var text: String
        public init(index: Int, line: Int, text: String) {
            self.index = index
            self.line = line
            self.text = text
        }
    }

    public var contents: BundleContents
    public var cells: [SourceCell]
    /// (model key, cell index) for each planned run.
    public var runCells: [(model: String, cell: Int)]
    public var comparisons: [(baseline: String, candidate: String, cell: Int)]
    /// Expectation results with the cell each came from.
    public var expectationCells: [(result: ExpectationResult, cell: Int)]
    public var warnings: [(cell: Int, text: String)]
    public var facts: [(String, String)]

    public init(contents: BundleContents, cells: [SourceCell], runCells: [(model: String, cell: Int)],
                comparisons: [(baseline: String, candidate: String, cell: Int)],
                expectationCells: [(result: ExpectationResult, cell: Int)], warnings: [(cell: Int, text: String)] = [],
                facts: [(String, String)] = []) {
        self.contents = contents
        self.cells = cells
        self.runCells = runCells
        self.comparisons = comparisons
        self.expectationCells = expectationCells
        self.warnings = warnings
        self.facts = facts
    }

    /// The report and the charts it shows (bundle-relative path -> PNG bytes).
    public func build(font: FontRenderer) throws -> (document: ReportDocument, charts: [(path: String, png: [UInt8])]) {
        var charts: [(path: String, png: [UInt8])] = []
        var reportCells: [ReportCell] = []
        let lastRunCell = runCells.map(\.cell).max()
        for cell in cells {
            var outputs: [CellOutput] = []
            for model in orderedUnique(runCells.filter { $0.cell == cell.index }.map(\.model)) {
                outputs.append(.table(metricTable(model: model)))
                for task in contents.tasks(for: model) {
                    if let text = task.truncation?.warning(model: model, task: task.task, of: task.effectiveCount) { outputs.append(.warning(text)) }
                }
            }
            if cell.index == lastRunCell && !contents.tasks.isEmpty {
                for task in taskNames() {
                    let path = BundleLayout.taskChart(task: task)
                    charts.append((path, try taskChart(task).render(font: font).encodePNG()))
                    outputs.append(.chart(caption: task, path: path))
                }
                charts.append((BundleLayout.overviewChart, try overviewChart().render(font: font).encodePNG()))
                outputs.append(.chart(caption: "All tasks", path: BundleLayout.overviewChart))
            }
            for comparison in comparisons where comparison.cell == cell.index {
                let rows = comparisonRows(baseline: comparison.baseline, candidate: comparison.candidate)
                outputs.append(.table(comparisonTable(rows, baseline: comparison.baseline, candidate: comparison.candidate)))
                let path = BundleLayout.deltaChart(baseline: comparison.baseline, candidate: comparison.candidate)
                charts.append((path, try deltaChart(rows, baseline: comparison.baseline, candidate: comparison.candidate).render(font: font).encodePNG()))
                outputs.append(.chart(caption: "\(comparison.candidate) − \(comparison.baseline)", path: path))
            }
            for (result, c) in expectationCells where c == cell.index {
                outputs.append(.expectation(text: result.source, passed: result.passed, detail: result.detail))
            }
            for warning in warnings where warning.cell == cell.index { outputs.append(.warning(warning.text)) }
            reportCells.append(ReportCell(line: cell.line, source: cell.text, outputs: outputs))
        }
        return (ReportDocument(title: contents.experiment, facts: facts, cells: reportCells), charts)
    }

    // MARK: - Tables

    func metricTable(model: String) -> ReportTable {
        var rows: [[String]] = []
        for task in contents.tasks(for: model) {
            for key in metricKeys(task) {
                let value = task.metrics[key] ?? .nan
                let stderr = task.metrics[TaskSignatures.stderrKey(of: key)]
                let ci = stderr.map { Self.interval(value - 1.96 * $0, value + 1.96 * $0) } ?? "–"
                rows.append([task.task, key, Self.number(value), stderr.map(Self.number) ?? "–", ci, String(task.effectiveCount)])
            }
        }
        let title = contents.models.first { $0.key == model }.map { "\($0.key): \($0.id) @ \($0.revision.prefix(12))" } ?? model
        return ReportTable(caption: title, header: ["task", "metric", "value", "stderr", "95% CI", "n"], rows: rows, numericColumns: [2, 3, 5])
    }

    struct ComparisonRow {
        let task: String
        let metric: String
        let stats: PairedComparison
    }

    func comparisonRows(baseline: String, candidate: String) -> [ComparisonRow] {
        var rows: [ComparisonRow] = []
        for a in contents.tasks(for: baseline) {
            guard let b = contents.tasks(for: candidate).first(where: { $0.task == a.task }) else { continue }
            let key = a.primaryMetric
            rows.append(ComparisonRow(task: a.task, metric: key, stats: PairedComparison(a: a.perDocument(key), b: b.perDocument(key))))
        }
        return rows
    }

    func comparisonTable(_ rows: [ComparisonRow], baseline: String, candidate: String) -> ReportTable {
        ReportTable(
            caption: "\(candidate) vs \(baseline) (paired by document)",
            header: ["task", "metric", baseline, candidate, "difference", "95% CI (bootstrap)", "McNemar p", "agreement", "n"],
            rows: rows.map { r in
                [r.task, r.metric, Self.number(r.stats.meanA), Self.number(r.stats.meanB), Self.signed(r.stats.difference),
                 Self.interval(r.stats.ciLow, r.stats.ciHigh), r.stats.mcnemarP.map(Self.number) ?? "–",
                 Self.number(r.stats.agreement), String(r.stats.count)]
            },
            numericColumns: [2, 3, 4, 6, 7, 8])
    }

    // MARK: - Charts

    func taskChart(_ task: String) -> BarChart {
        let outcomes = contents.tasks.filter { $0.task == task }
        let keys = outcomes.first.map(metricKeys) ?? []
        let models = outcomes.map(\.model)
        let (values, range) = clipped(keys.map { key in outcomes.map { bar(for: $0, key: key) } })
        return BarChart(title: task, subtitle: "95% CI (±1.96 stderr), n = \(outcomes.first?.effectiveCount ?? 0)", yLabel: "score",
                        categories: keys, series: models, values: values, yRange: range)
    }

    func overviewChart() -> BarChart {
        let tasks = taskNames()
        let models = orderedUnique(contents.tasks.map(\.model))
        let (values, range) = clipped(tasks.map { task in
            models.map { model in contents.tasks.first { $0.model == model && $0.task == task }.flatMap { bar(for: $0, key: $0.primaryMetric) } }
        })
        return BarChart(title: "\(contents.experiment): all tasks", subtitle: "primary metric per task, 95% CI", yLabel: "score",
                        categories: tasks, series: models, values: values, yRange: range)
    }

    func deltaChart(_ rows: [ComparisonRow], baseline: String, candidate: String) -> BarChart {
        BarChart(title: "\(candidate) − \(baseline)", subtitle: "difference of the primary metric, paired bootstrap 95% CI",
                 yLabel: "difference", categories: rows.map(\.task), series: ["difference"],
                 values: rows.map { [BarValue($0.stats.difference, low: $0.stats.ciLow, high: $0.stats.ciHigh)] }, colorBySign: true)
    }

    private func bar(for task: TaskOutcome, key: String) -> BarValue? {
        guard let value = task.metrics[key], value.isFinite else { return nil }
        guard let stderr = task.metrics[TaskSignatures.stderrKey(of: key)], stderr.isFinite else { return BarValue(value) }
        return BarValue(value, low: value - 1.96 * stderr, high: value + 1.96 * stderr)
    }

    /// Scores that all lie in [0, 1] get that fixed axis, with their intervals clipped to it.
    private func clipped(_ values: [[BarValue?]]) -> ([[BarValue?]], ClosedRange<Double>?) {
        let all = values.flatMap { $0 }.compactMap { $0 }
        guard all.allSatisfy({ $0.value >= 0 && $0.value <= 1 }) else { return (values, nil) }
        let clip = { (v: Double?) in v.map { min(1, max(0, $0)) } }
        return (values.map { $0.map { $0.map { BarValue($0.value, low: clip($0.low), high: clip($0.high)) } } }, 0...1)
    }

    // MARK: - Helpers

    func taskNames() -> [String] { orderedUnique(contents.tasks.map(\.task)) }

    func metricKeys(_ task: TaskOutcome) -> [String] {
        let keys = task.metrics.keys.filter { !TaskSignatures.isStderrKey($0) }.sorted()
        return [task.primaryMetric] + keys.filter { $0 != task.primaryMetric }
    }

    static func number(_ v: Double) -> String { v.isFinite ? String(format: "%.4f", v) : "N/A" }
    static func signed(_ v: Double) -> String { v.isFinite ? String(format: "%+.4f", v) : "N/A" }
    static func interval(_ lo: Double, _ hi: Double) -> String { "[\(number(lo)), \(number(hi))]" }
}

func orderedUnique(_ items: [String]) -> [String] {
    var seen = Set<String>()
    return items.filter { seen.insert($0).inserted }
}
