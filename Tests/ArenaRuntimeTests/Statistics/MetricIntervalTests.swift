import Foundation
import Testing
@testable import ArenaRuntime

/// The interval beside every task metric in the report's tables and charts: Wilson for 0/1
/// metrics (checked against scipy), the percentile bootstrap of the mean otherwise (checked
/// against numpy), and the same numbers in tables and charts.
@Suite struct MetricIntervalTests {
    static let proportions: [(k: Int, n: Int)] = [(0, 10), (10, 10), (2, 12), (5, 12), (0, 1), (1, 1), (3, 7), (37, 100), (99, 100), (500, 1000)]

    @Test func wilsonEqualsScipysProportionCI() throws {
        let pairs = Self.proportions.map { "[\($0.k), \($0.n)]" }.joined(separator: ", ")
        let script = """
        import json
        from scipy.stats import binomtest
        out = []
        for k, n in [\(pairs)]:
            ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
            out.append([float(ci.low), float(ci.high)])
        print(json.dumps(out))
        """
        let expected = try #require(try JSONValue.parse(try PythonPeer.run(script)).arrayValue)
        #expect(expected.count == Self.proportions.count)
        for ((k, n), row) in zip(Self.proportions, expected) {
            let (low, high) = ProportionInterval.wilson(successes: k, count: n, z: MetricInterval.z95)
            let want = try #require(row.arrayValue).compactMap(\.doubleValue)
            #expect(abs(low - want[0]) <= 1e-15 && abs(high - want[1]) <= 1e-15, "\(k) of \(n): ours [\(low), \(high)], scipy \(want)")
        }
    }

    @Test func zeroOfTenIsAnIntervalAndNoBoundLeavesTheUnitRange() throws {
        let none = try #require(MetricInterval.of([Double](repeating: 0, count: 10), seed: 1234))
        #expect(none.method == .wilson && none.low == 0 && none.high > 0.27 && none.high < 0.28)
        let all = try #require(MetricInterval.of([Double](repeating: 1, count: 10), seed: 1234))
        #expect(all.high == 1 && all.low > 0.72)
        for (k, n) in Self.proportions {
            let values = (0..<n).map { $0 < k ? 1.0 : 0.0 }
            let interval = try #require(MetricInterval.of(values, seed: 1234))
            #expect(interval.low >= 0 && interval.high <= 1 && interval.low <= Double(k) / Double(n) && Double(k) / Double(n) <= interval.high)
        }
    }

    @Test func otherMetricsGetTheBootstrapOfTheMeanAsNumpyDrawsIt() throws {
        let values = [0.5, 0.25, 1, 0, 0.8, 0.125, 0.4, 0.9, 0.333, 0.0625, 1, 0.75]
        let script = """
        import json, sys
        import numpy as np
        d = np.array(json.loads(sys.argv[1])); rs = np.random.RandomState(77)
        means = [d[rs.randint(0, len(d), size=len(d))].mean() for _ in range(10000)]
        print(json.dumps([float(x) for x in np.percentile(means, [2.5, 97.5])]))
        """
        let want = try #require(try JSONValue.parse(try PythonPeer.run(script, arguments: [JSONValue.array(values.map { .double($0) }).serialized(indent: nil)])).arrayValue)
            .compactMap(\.doubleValue)
        let interval = try #require(MetricInterval.of(values, seed: 77))
        #expect(interval.method == .bootstrap && interval.count == values.count)
        #expect(abs(interval.low - want[0]) <= 1e-12 && abs(interval.high - want[1]) <= 1e-12, "ours [\(interval.low), \(interval.high)], numpy \(want)")
        #expect(interval.low >= values.min()! && interval.high <= values.max()!)
    }

    /// 2 of 12 is the quickstart's arc_easy: the table used to print value ± 1.96 stderr,
    /// [-0.0536, 0.3869], and [0.0000, 0.0000] for 0 of 10; charts clipped theirs.
    @Test func reportTablesAndChartsPrintTheSameIntervalInsideTheUnitRange() throws {
        var contents = BundleWriterTests.contents
        contents.tasks = [Self.outcome(model: "tuned", task: "arc_easy", correct: [3, 7], n: 12),
                          Self.outcome(model: "tuned", task: "gsm8k", correct: [], n: 10)]
        contents.models = [contents.models[0]]
        let builder = ReportBuilder(contents: contents, cells: [.init(index: 0, line: 1, text: "evaluate(...)")],
                                    runCells: [("tuned", 0)], comparisons: [], expectationCells: [], seed: 1234)
        let rows = builder.metricTable(model: "tuned").rows
        let arc = try #require(rows.first { $0[0] == "arc_easy" })
        let gsm = try #require(rows.first { $0[0] == "gsm8k" })
        let wilson = ProportionInterval.wilson(successes: 2, count: 12, z: MetricInterval.z95)
        #expect(arc[4] == ReportBuilder.interval(wilson.low, wilson.high))
        #expect(arc[4] != "[-0.0536, 0.3869]" && arc[3] == "0.1124")
        #expect(gsm[4].hasPrefix("[0.0000, 0.27"))
        for (outcome, key) in [(contents.tasks[0], "acc,none"), (contents.tasks[1], "acc,none")] {
            let bar = try #require(builder.bar(for: outcome, key: key))
            let interval = try #require(MetricInterval.of(outcome, key: key, seed: 1234))
            #expect(bar.low == interval.low && bar.high == interval.high)
        }
        #expect(builder.taskChart("arc_easy").subtitle?.contains("Wilson") == true)
        let document = try builder.build(font: try FontRenderer()).document
        #expect(document.cells[0].outputs.contains(.note(MetricInterval.legend + "; stderr is lm-eval's (docs/statistics.md).")))
    }

    static func outcome(model: String, task: String, correct: [Int], n: Int) -> TaskOutcome {
        let values = (0..<n).map { correct.contains($0) ? 1.0 : 0.0 }
        let mean = values.reduce(0, +) / Double(n)
        return TaskOutcome(
            model: model, task: task, version: "1.0", nShot: 0, originalCount: n, effectiveCount: n,
            metrics: ["acc,none": mean, "acc_stderr,none": Aggregation.meanStderr(values) ?? .nan],
            higherIsBetter: ["acc": true], primaryMetric: "acc,none", config: .object([:]),
            samples: values.enumerated().map { .object(["doc_id": .int($0), "filter": .string("none"), "acc": .double($1)]) })
    }
}
