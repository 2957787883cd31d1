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

    public let contents: BundleContents
    public var cells: [SourceCell]
    /// (model key, cell index) for each planned run.
    public var runCells: [(model: String, cell: Int)]
    public var comparisons: [(baseline: String, candidate: String, cell: Int)]
    /// Expectation results with the cell each came from.
    public var expectationCells: [(result: ExpectationResult, cell: Int)]
    public var warnings: [(cell: Int, text: String)]
    public var facts: [(String, String)]
    /// Seeds every bootstrap the report draws (the experiment's seed; see `PairedComparison.seed`).
    public let seed: UInt32
    /// Each metric's interval ("model/task/key"), drawn once for its table row and its bar.
    let intervals: [String: MetricInterval]

    public init(contents: BundleContents, cells: [SourceCell], runCells: [(model: String, cell: Int)],
                comparisons: [(baseline: String, candidate: String, cell: Int)],
                expectationCells: [(result: ExpectationResult, cell: Int)], warnings: [(cell: Int, text: String)] = [],
                facts: [(String, String)] = [], seed: UInt32 = PairedComparison.defaultSeed) {
        self.contents = contents
        self.cells = cells
        self.runCells = runCells
        self.comparisons = comparisons
        self.expectationCells = expectationCells
        self.warnings = warnings
        self.facts = facts
        self.seed = seed
        var intervals: [String: MetricInterval] = [:]
        for task in contents.tasks {
            for key in task.metrics.keys where !TaskSignatures.isStderrKey(key) {
                intervals["\(task.model)/\(task.task)/\(key)"] = MetricInterval.of(task, key: key, seed: seed)
            }
        }
        self.intervals = intervals
    }

    func interval(_ task: TaskOutcome, key: String) -> MetricInterval? { intervals["\(task.model)/\(task.task)/\(key)"] }

    /// The report and the charts it shows (bundle-relative path -> PNG bytes).
    public func build(font: FontRenderer) throws -> (document: ReportDocument, charts: [(path: String, png: [UInt8])]) {
        var charts: [(path: String, png: [UInt8])] = []
        var reportCells: [ReportCell] = []
        let lastRunCell = runCells.map(\.cell).max()
        for cell in cells {
            var outputs: [CellOutput] = []
            let models = orderedUnique(runCells.filter { $0.cell == cell.index }.map(\.model))
            for model in models {
                outputs.append(.table(metricTable(model: model)))
                for task in contents.tasks(for: model) {
                    if let text = task.truncation?.warning(model: model, task: task.task, of: task.effectiveCount) { outputs.append(.warning(text)) }
                }
            }
            if !models.isEmpty { outputs.append(.note(MetricInterval.legend + "; stderr is lm-eval's (docs/statistics.md).")) }
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
                outputs.append(.expectation(text: result.source, verdict: result.verdict, detail: result.detail))
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
                let ci = interval(task, key: key).map { Self.interval($0.low, $0.high) } ?? "–"
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
            rows.append(ComparisonRow(task: a.task, metric: key, stats: PairedComparison(a: a.perDocument(key), b: b.perDocument(key), seed: seed)))
        }
        return rows
    }

    func comparisonTable(_ rows: [ComparisonRow], baseline: String, candidate: String) -> ReportTable {
        ReportTable(
            caption: "\(candidate) vs \(baseline) (paired by document)",
            header: ["task", "metric", baseline, candidate, "difference", "95% CI (bootstrap)", "McNemar p", "agreement", "n", "unpaired"],
            rows: rows.map { r in
                [r.task, r.metric, Self.number(r.stats.meanA), Self.number(r.stats.meanB), Self.signed(r.stats.difference),
                 Self.interval(r.stats.ciLow, r.stats.ciHigh), r.stats.mcnemarP.map(Self.number) ?? "–",
                 Self.number(r.stats.agreement), String(r.stats.count),
                 Self.unpaired(r.stats, baseline: baseline, candidate: candidate)]
            },
            numericColumns: [2, 3, 4, 6, 7, 8])
    }

    // MARK: - Charts

    func taskChart(_ task: String) -> BarChart {
        let outcomes = contents.tasks.filter { $0.task == task }
        let keys = outcomes.first.map(metricKeys) ?? []
        let models = outcomes.map(\.model)
        let (values, range) = axis(keys.map { key in outcomes.map { bar(for: $0, key: key) } })
        return BarChart(title: task, subtitle: "\(Self.chartIntervalLegend), n = \(outcomes.first?.effectiveCount ?? 0)", yLabel: "score",
                        categories: keys, series: models, values: values, yRange: range)
    }

    func overviewChart() -> BarChart {
        let tasks = taskNames()
        let models = orderedUnique(contents.tasks.map(\.model))
        let (values, range) = axis(tasks.map { task in
            models.map { model in contents.tasks.first { $0.model == model && $0.task == task }.flatMap { bar(for: $0, key: $0.primaryMetric) } }
        })
        return BarChart(title: "\(contents.experiment): all tasks", subtitle: "primary metric per task, \(Self.chartIntervalLegend)", yLabel: "score",
                        categories: tasks, series: models, values: values, yRange: range)
    }

    func deltaChart(_ rows: [ComparisonRow], baseline: String, candidate: String) -> BarChart {
        BarChart(title: "\(candidate) − \(baseline)", subtitle: "difference of the primary metric, paired bootstrap 95% CI",
                 yLabel: "difference", categories: rows.map(\.task), series: ["difference"],
                 values: rows.map { row in
                     // A task without paired documents has no difference to draw.
                     [row.stats.difference.isFinite ? BarValue(row.stats.difference, low: row.stats.ciLow, high: row.stats.ciHigh) : nil]
                 }, colorBySign: true)
    }

    /// The bar of a metric with the same interval the metric table prints.
    func bar(for task: TaskOutcome, key: String) -> BarValue? {
        guard let value = task.metrics[key], value.isFinite else { return nil }
        guard let interval = interval(task, key: key) else { return BarValue(value) }
        return BarValue(value, low: interval.low, high: interval.high)
    }

    static let chartIntervalLegend = "95% CI: Wilson (0/1 metrics) or bootstrap"

    /// Bars whose values and intervals all lie in [0, 1] get that fixed axis; others fit the data.
    /// Intervals are drawn as the tables print them, never clipped.
    private func axis(_ values: [[BarValue?]]) -> ([[BarValue?]], ClosedRange<Double>?) {
        let bounds = values.flatMap { $0 }.compactMap { $0 }.flatMap { [$0.value, $0.low, $0.high].compactMap { $0 } }
        return (values, bounds.allSatisfy { $0 >= 0 && $0 <= 1 } ? 0...1 : nil)
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

    /// Documents only one side scored: "0", or "2 only base, 1 only tuned".
    static func unpaired(_ stats: PairedComparison, baseline: String, candidate: String) -> String {
        stats.unpairedA + stats.unpairedB == 0 ? "0" : "\(stats.unpairedA) only \(baseline), \(stats.unpairedB) only \(candidate)"
    }
}

func orderedUnique(_ items: [String]) -> [String] {
    var seen = Set<String>()
    return items.filter { seen.insert($0).inserted }
}
