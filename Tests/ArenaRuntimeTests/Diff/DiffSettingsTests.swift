import Foundation
import Testing
@testable import ArenaRuntime

/// `diff` shows figures over one set of documents (the paired ones) and refuses runs made with
/// different settings unless asked, naming every difference.
@Suite struct DiffSettingsTests {
    /// The baseline scored 12 documents 0-shot, the candidate 8 of them 3-shot: over all documents
    /// the candidate looks better (+0.0417), over the documents both scored it is worse (-0.1250).
    static func bundles() -> (BundleContents, BundleContents) {
        var a = BundleWriterTests.contents
        a.models = [a.models[1]]
        a.tasks = [MetricIntervalTests.outcome(model: "base", task: "arc_easy", correct: [0, 1, 2, 3], n: 12)]
        a.lockfileText = DiffFixtures.text(runs: [("base", [TaskSelection(name: "arc_easy")])])
        var b = BundleWriterTests.contents
        b.models = [b.models[0]]
        var tuned = MetricIntervalTests.outcome(model: "tuned", task: "arc_easy", correct: [0, 1, 4], n: 8)
        tuned.nShot = 3
        b.tasks = [tuned]
        b.lockfileText = DiffFixtures.text(runs: [("tuned", [TaskSelection(name: "arc_easy", fewshot: 3, limit: 8)])])
        return (a, b)
    }

    static func sides() throws -> (BundleDiff.Side, BundleDiff.Side) {
        let (a, b) = bundles()
        return try BundleDiff.sides(first: a, firstLabel: "results/a", second: b, secondLabel: "results/b", baselineModel: nil, candidateModel: nil)
    }

    @Test func runsWithDifferentSettingsAreRefusedNamingEveryDifference() throws {
        let (base, cand) = try Self.sides()
        #expect(throws: DiffError.differentSettings(["arc_easy: few-shot 0 vs 3", "arc_easy: limit none (whole split) vs 8"])) {
            _ = try BundleDiff(baseline: base, candidate: cand, iterations: 200)
        }
        let message = DiffError.differentSettings(["arc_easy: few-shot 0 vs 3"]).description
        #expect(message.contains("--allow-different-settings") && message.contains("few-shot 0 vs 3"))
    }

    @Test func allowedTheyShowThePairedDifferenceItsCIAndNTogether() throws {
        let (base, cand) = try Self.sides()
        let diff = try BundleDiff(baseline: base, candidate: cand, allowDifferentSettings: true, iterations: 500)
        let row = try #require(diff.rows.first { $0.metric == "acc,none" })
        #expect(row.paired.count == 8 && row.paired.unpairedA == 4 && row.paired.unpairedB == 0)
        #expect(row.paired.meanA == 0.5 && row.paired.meanB == 0.375 && row.paired.difference == -0.125)
        #expect(row.paired.ciLow <= row.paired.difference && row.paired.difference <= row.paired.ciHigh)

        let text = DiffRenderer.text(diff)
        #expect(text.contains("warning: the runs' settings differ"))
        #expect(text.contains("few-shot 0 vs 3"))
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("arc_easy  acc,none") })
        #expect(line.contains("0.5000") && line.contains("0.3750") && line.contains("-0.1250") && line.contains("4 baseline, 0 candidate"))
        #expect(!text.contains("+0.0417") && !line.contains("0.3333"))
        #expect(text.contains("recorded aggregates over all scored documents are 0.3333 (baseline, 12 documents) and 0.3750 (candidate, 8 documents)"))

        let json = DiffRenderer.json(diff)
        let first = try #require(json["rows"]?.arrayValue?.first)
        #expect(first["difference"]?.doubleValue == -0.125 && first["n"]?.intValue == 8)
        #expect(first["baseline"]?.doubleValue == 0.5 && first["recorded_baseline"]?.doubleValue == 4.0 / 12)
        #expect(first["unpaired_baseline"]?.intValue == 4 && first["unpaired_candidate"]?.intValue == 0)
        #expect(first["paired_difference"] == nil)
        #expect(json["settings_differences"]?.arrayValue?.count == 2)

        let markdown = DiffRenderer.markdown(diff)
        #expect(markdown.hasPrefix("> warning: the runs' settings differ"))
        #expect(markdown.contains("| arc_easy | acc,none | 0.5000 | 0.3750 | -0.1250 |"))
    }

    @Test func everyRecordedSettingIsCompared() throws {
        let selection = TaskSelection(name: "gsm8k", fewshot: 5, dataset: "math")
        let baseline = DiffFixtures.lockfile(seed: 1, runs: [("base", [selection])], datasets: [DiffFixtures.localDataset("math", test: "aa")])
        var changed = selection
        changed.generation = ["temperature": 0.7]
        let candidate = DiffFixtures.lockfile(seed: 2, runs: [("tuned", [changed])], datasets: [DiffFixtures.localDataset("math", test: "bb")],
                                              promptHash: "ff")
        var outcome = BundleWriterTests.outcome(model: "base", task: "gsm8k", correct: [1])
        outcome.nShot = 5
        let a = try #require(TaskRunSettings.recorded(baseline, outcome: outcome))
        outcome.model = "tuned"
        let b = try #require(TaskRunSettings.recorded(candidate, outcome: outcome))
        let hash = try TaskCatalog.lockEntry(name: "gsm8k").contentHash
        #expect(a.differences(from: b) == ["seed 1 vs 2", "generation temperature the task's default vs 0.7",
                                            "test data sha256:aa vs sha256:bb", "task prompt hash \(hash) vs ff"])
        #expect(a.differences(from: a).isEmpty)
    }

    @Test func aBundleWhoseLockfileCannotBeReadIsRefusedUnlessAllowed() throws {
        var (a, b) = Self.bundles()
        b.lockfileText = "format = 1\n"
        b.tasks[0].nShot = 0
        let (base, cand) = try BundleDiff.sides(first: a, firstLabel: "a", second: b, secondLabel: "b", baselineModel: nil, candidateModel: nil)
        do {
            _ = try BundleDiff(baseline: base, candidate: cand, iterations: 100)
            Issue.record("a bundle without a readable lockfile was compared")
        } catch let DiffError.differentSettings(differences) {
            #expect(differences.count == 1 && differences[0].hasPrefix("b: its lockfile cannot be read"))
        }
        #expect(try BundleDiff(baseline: base, candidate: cand, allowDifferentSettings: true, iterations: 100).rows.count == 1)
    }

    @Test func theReportsComparisonTableCountsUnpairedDocuments() throws {
        let (a, b) = Self.bundles()
        var contents = a
        contents.models += b.models
        contents.tasks += b.tasks
        var noSamples = MetricIntervalTests.outcome(model: "tuned", task: "gsm8k", correct: [], n: 3)
        noSamples.samples = []
        contents.tasks += [MetricIntervalTests.outcome(model: "base", task: "gsm8k", correct: [0], n: 3), noSamples]
        let builder = ReportBuilder(contents: contents, cells: [.init(index: 0, line: 1, text: "compare(base, tuned)")], runCells: [],
                                    comparisons: [("base", "tuned", 0)], expectationCells: [])
        let rows = builder.comparisonRows(baseline: "base", candidate: "tuned")
        let table = builder.comparisonTable(rows, baseline: "base", candidate: "tuned")
        #expect(table.header.last == "unpaired")
        #expect(table.rows[0] == ["arc_easy", "acc,none", "0.5000", "0.3750", "-0.1250", ReportBuilder.interval(rows[0].stats.ciLow, rows[0].stats.ciHigh),
                                  ReportBuilder.number(rows[0].stats.mcnemarP ?? .nan), "0.6250", "8", "4 only base, 0 only tuned"])
        // No paired document: no figures, and no bar in the delta chart.
        #expect(table.rows[1][4] == "N/A" && table.rows[1][8] == "0" && table.rows[1][9] == "3 only base, 0 only tuned")
        #expect(builder.deltaChart(rows, baseline: "base", candidate: "tuned").values[1] == [nil])
        _ = try builder.build(font: try FontRenderer())
    }
}
