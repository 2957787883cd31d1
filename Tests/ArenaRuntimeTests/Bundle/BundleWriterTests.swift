import Foundation
import Testing
@testable import ArenaRuntime

@Suite struct BundleWriterTests {
    static func outcome(model: String, task: String, correct: [Int]) -> TaskOutcome {
        let n = 20
        let values = (0..<n).map { correct.contains($0) ? 1.0 : 0.0 }
        let mean = values.reduce(0, +) / Double(n)
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n - 1)
        return TaskOutcome(
            model: model, task: task, version: "1.0", nShot: 0, originalCount: 100, effectiveCount: n,
            metrics: ["acc,none": mean, "acc_stderr,none": (variance / Double(n)).squareRoot()],
            higherIsBetter: ["acc": true], primaryMetric: "acc,none", config: .object(["task": .string(task)]),
            samples: values.enumerated().map { .object(["doc_id": .int($0), "filter": .string("none"), "acc": .double($1)]) })
    }

    static var contents: BundleContents {
        BundleContents(
            experiment: "demo", experimentSource: "experiment \"demo\"\n",
            lockfileText: DiffFixtures.text(runs: ["tuned", "base"].map { ($0, [TaskSelection(name: "arc_easy"), TaskSelection(name: "gsm8k")]) }),
            models: [BundleModel(key: "tuned", id: "acme/tuned", revision: String(repeating: "a", count: 40), engine: EngineIdentity(kind: "native", version: "1", model: "x")),
                     BundleModel(key: "base", id: "acme/base", revision: String(repeating: "b", count: 40), engine: EngineIdentity(kind: "native", version: "1", model: "y"))],
            tasks: [outcome(model: "tuned", task: "arc_easy", correct: Array(0..<14)), outcome(model: "tuned", task: "gsm8k", correct: [1, 2]),
                    outcome(model: "base", task: "arc_easy", correct: Array(0..<9)), outcome(model: "base", task: "gsm8k", correct: [1, 2, 3])],
            expectations: [ExpectationResult(source: "tuned.arc_easy.acc > base.arc_easy.acc", line: 4, passed: true, detail: "0.7000 > 0.4500")],
            engineLogs: ["tuned": "loaded\n"], environment: .object(["experiment": .string("demo"), "models": .array([.string("tuned"), .string("base")])]),
            timing: .object(["seconds": .double(1.25)]))
    }

    static func report(_ contents: BundleContents) -> ReportBuilder {
        ReportBuilder(contents: contents,
                      cells: [.init(index: 0, line: 1, text: "experiment \"demo\""), .init(index: 1, line: 2, text: "evaluate(...)"),
                              .init(index: 2, line: 3, text: "compare(base, tuned)"), .init(index: 3, line: 4, text: "expect ...")],
                      runCells: [("tuned", 1), ("base", 1)], comparisons: [("base", "tuned", 2)],
                      expectationCells: contents.expectations.map { ($0, 3) })
    }

    @Test func writesAWholeBundleThatReadsBackAndChecksClean() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("bw-\(UUID().uuidString)/demo/run")
        defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent().deletingLastPathComponent()) }
        let contents = Self.contents
        try BundleWriter(contents: contents, seed: 1234, limit: 20).write(to: root, report: Self.report(contents), font: try FontRenderer())
        let files = try BundleManifest.read(from: root).files.keys.sorted()
        #expect(files == ["charts/arc_easy.png", "charts/delta_tuned_vs_base.png", "charts/gsm8k.png", "charts/overview.png",
                          "environment.json", "expectations.json", "experiment.arena", "experiment.lock", "logs/tuned.log",
                          "report.html", "report.md", "results/base.json", "results/tuned.json",
                          "samples/base/arc_easy.jsonl", "samples/base/gsm8k.jsonl", "samples/tuned/arc_easy.jsonl", "samples/tuned/gsm8k.jsonl"])
        #expect(try BundleManifest.read(from: root).check(root: root).isEmpty)
        let back = try BundleReader.read(root)
        #expect(back.models == contents.models)
        #expect(back.tasks.map { "\($0.model)/\($0.task)" } == contents.tasks.map { "\($0.model)/\($0.task)" })
        for (a, b) in zip(back.tasks, contents.tasks) {
            #expect(a.metrics == b.metrics && a.samples == b.samples && a.primaryMetric == b.primaryMetric && a.version == b.version)
        }
        #expect(back.expectations == contents.expectations)
        let results = try JSONValue.parse(try Data(contentsOf: root.appendingPathComponent("results/tuned.json")))
        #expect(results["results"]?["arc_easy"]?["acc,none"]?.doubleValue == 0.7)
        #expect(results["n-samples"]?["arc_easy"]?["effective"]?.intValue == 20)
        let md = try String(contentsOf: root.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(md.contains("| arc_easy | acc,none | 0.7000 | 0.7000 | 0.4500 |") == false)
        #expect(md.contains("| arc_easy | acc,none | 0.4500 | 0.7000 | +0.2500 |"))
    }

    @Test func identicalContentsGiveIdenticalBytesOutsideTiming() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("bw-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        var second = Self.contents
        second.timing = .object(["seconds": .double(99)])
        let a = base.appendingPathComponent("a/run"), b = base.appendingPathComponent("b/run")
        try BundleWriter(contents: Self.contents, seed: 1234, limit: 20).write(to: a, report: Self.report(Self.contents), font: try FontRenderer())
        try BundleWriter(contents: second, seed: 1234, limit: 20).write(to: b, report: Self.report(second), font: try FontRenderer())
        #expect(try BundleManifest.read(from: a) == BundleManifest.read(from: b))
        #expect(try Data(contentsOf: a.appendingPathComponent("manifest.json")) == Data(contentsOf: b.appendingPathComponent("manifest.json")))
    }

    @Test func rewritingReplacesTheWholeBundle() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("bw-\(UUID().uuidString)/demo/run")
        defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent().deletingLastPathComponent()) }
        try BundleWriter(contents: Self.contents, seed: 1234, limit: 20).write(to: root, report: Self.report(Self.contents), font: try FontRenderer())
        try AtomicFile.write("stray", to: root.appendingPathComponent("stray.txt"))
        var fewer = Self.contents
        fewer.tasks = fewer.tasks.filter { $0.task == "arc_easy" }
        try BundleWriter(contents: fewer, seed: 1234, limit: 20).write(to: root, report: Self.report(fewer), font: try FontRenderer())
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("stray.txt").path))
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("samples/base/gsm8k.jsonl").path))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.deletingLastPathComponent().path)
        #expect(leftovers == ["run"])
    }
}
