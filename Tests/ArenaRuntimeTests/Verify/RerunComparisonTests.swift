import Foundation
import Testing
@testable import ArenaRuntime

/// `verify --rerun`'s verdicts for engines that are not bit-reproducible: the tolerance and the
/// paired test decide, per task.
@Suite struct RerunComparisonTests {
    static func contents(engine: String, correct: [Int]) -> BundleContents {
        var c = BundleWriterTests.contents
        c.models = c.models.map { BundleModel(key: $0.key, id: $0.id, revision: $0.revision, engine: EngineIdentity(kind: engine, version: "v", model: "m")) }
        c.tasks = [BundleWriterTests.outcome(model: "tuned", task: "arc_easy", correct: correct)]
        return c
    }

    @Test func aGPUEngineWithinToleranceIsReproduced() {
        // 14/20 then 14/20 with two documents swapped: same accuracy, McNemar p = 1.
        let recorded = Self.contents(engine: "vllm", correct: Array(0..<14))
        let rerun = Self.contents(engine: "vllm", correct: Array(1..<14) + [15])
        let verdict = RerunComparison(recorded: recorded, rerun: rerun, tolerance: Tolerance(absolute: 0.02, alpha: 0.05))
        #expect(verdict.reproduced)
        #expect(verdict.verdicts.first?.detail.contains("McNemar p = 1.0000") == true)
    }

    @Test func aGPUEngineBeyondToleranceHasDrifted() {
        let recorded = Self.contents(engine: "vllm", correct: Array(0..<14))
        let rerun = Self.contents(engine: "vllm", correct: Array(0..<10))
        let verdict = RerunComparison(recorded: recorded, rerun: rerun, tolerance: Tolerance(absolute: 0.1, alpha: 0.05))
        #expect(!verdict.reproduced)
        #expect(verdict.verdicts.first?.detail.contains("Δ = -0.2000") == true)
        // A tolerance wide enough for the difference still fails when McNemar rejects at alpha.
        let wide = RerunComparison(recorded: recorded, rerun: rerun, tolerance: Tolerance(absolute: 0.5, alpha: 0.05))
        #expect(wide.reproduced == ((try? PairedStatistics.mcnemarExactP(b: 4, c: 0)) ?? 0 >= 0.05))
    }

    @Test func theNativeEngineMustMatchExactly() {
        let recorded = Self.contents(engine: "native", correct: Array(0..<14))
        let swapped = Self.contents(engine: "native", correct: Array(1..<14) + [15])
        #expect(!RerunComparison(recorded: recorded, rerun: swapped, tolerance: Tolerance(absolute: 1, alpha: 0)).reproduced)
        #expect(RerunComparison(recorded: recorded, rerun: recorded, tolerance: nil).reproduced)
    }

    @Test func aTaskThatWasNotProducedAgainIsMissing() {
        let recorded = Self.contents(engine: "vllm", correct: Array(0..<14))
        var rerun = recorded
        rerun.tasks = []
        let verdict = RerunComparison(recorded: recorded, rerun: rerun, tolerance: nil)
        #expect(verdict.missing == ["tuned/arc_easy"])
        #expect(!verdict.reproduced)
    }
}

/// `tolerance(alpha:)` decides metrics that are not 0/1 too: the paired bootstrap CI is drawn at
/// 1 − alpha.
@Suite struct RerunAlphaTests {
    static func contents(_ values: [Double]) -> BundleContents {
        var c = RerunComparisonTests.contents(engine: "vllm", correct: [])
        c.tasks[0].metrics = ["f1,none": values.reduce(0, +) / Double(values.count)]
        c.tasks[0].primaryMetric = "f1,none"
        c.tasks[0].samples = values.enumerated().map { .object(["doc_id": .int($0), "filter": .string("none"), "f1": .double($1)]) }
        return c
    }

    @Test func alphaSetsTheLevelOfTheBootstrapInterval() throws {
        // Three of twenty documents moved up by 0.01: about 4% of resamples see no change, so a
        // 95% interval holds 0 and an 80% interval does not.
        let recorded = (0..<20).map { 0.25 + Double($0) / 100 }
        let rerun = recorded.enumerated().map { $0 < 3 ? $1 + 0.01 : $1 }
        let lenient = RerunComparison(recorded: Self.contents(recorded), rerun: Self.contents(rerun), tolerance: Tolerance(absolute: 0.5, alpha: 0.05))
        let strict = RerunComparison(recorded: Self.contents(recorded), rerun: Self.contents(rerun), tolerance: Tolerance(absolute: 0.5, alpha: 0.2))
        #expect(lenient.reproduced)
        #expect(!strict.reproduced)
        #expect(lenient.verdicts.first?.detail.contains("bootstrap 95% CI [0.0000,") == true)
        #expect(strict.verdicts.first?.detail.contains("bootstrap 80% CI") == true)
    }
}
