import ArenaScript
import Foundation
import Testing
@testable import ArenaRuntime

/// `expect ... with confidence`: passed, failed or inconclusive from the paired evidence.
@Suite struct PairedVerdictTests {
    static func claim(_ relation: BinaryOperator = .greater, margin: Double = 0, confidence: Double = 0.95) -> PairedClaim {
        PairedClaim(left: ResultReference(model: "tuned", task: "arc_easy", metric: "acc"),
                    right: ResultReference(model: "base", task: "arc_easy", metric: "acc"),
                    relation: relation, margin: margin, confidence: confidence)
    }

    static func values(_ correct: Set<Int>, n: Int) -> [Int: Double] {
        Dictionary(uniqueKeysWithValues: (0..<n).map { ($0, correct.contains($0) ? 1.0 : 0.0) })
    }

    static func decide(base: Set<Int>, tuned: Set<Int>, n: Int, _ claim: PairedClaim = claim()) -> (ExpectationVerdict, String) {
        let evidence = PairedComparison(a: values(base, n: n), b: values(tuned, n: n), seed: 1234, confidence: claim.confidence)
        let decided = PairedVerdict.decide(claim, evidence: evidence)
        return (decided.verdict, decided.detail)
    }

    @Test func aClearImprovementPassesAndAClearLossFails() {
        let tunedBetter = Self.decide(base: Set(0..<20), tuned: Set(0..<60), n: 100)
        #expect(tunedBetter.0 == .passed)
        #expect(tunedBetter.1.contains("tuned − base on arc_easy acc = +0.4000 over 100 paired documents, 95% CI [+0.3"))
        #expect(tunedBetter.1.contains("McNemar p = 0.0000"))
        #expect(Self.decide(base: Set(0..<60), tuned: Set(0..<20), n: 100).0 == .failed)
    }

    /// Point values would pass `tuned > base` here (0.4 > 0); five documents decide nothing.
    @Test func anUnderpoweredComparisonIsInconclusive() {
        let (verdict, detail) = Self.decide(base: [0], tuned: [0, 1, 2], n: 5)
        #expect(verdict == .inconclusive)
        #expect(detail.contains("over 5 paired documents") && detail.contains("both sides of 0"))
    }

    /// The bootstrap interval of five documents can exclude 0 while McNemar's exact test, which
    /// is right at small n, cannot reject "no difference": that is inconclusive too.
    @Test func mcnemarMustAgreeForAPlainDifferenceOfZeroOneMetrics() throws {
        let evidence = PairedComparison(a: Self.values([], n: 5), b: Self.values([0, 1, 2], n: 5), seed: 1234)
        #expect(evidence.ciLow > 0)
        #expect(evidence.mcnemarP == 0.25)
        let (verdict, detail) = PairedVerdict.decide(Self.claim(), evidence: evidence)
        #expect(verdict == .inconclusive && detail.contains("McNemar p ≥ 0.05"))
        // A claim with a margin is not "there is a difference", so McNemar does not apply.
        let margin = PairedVerdict.decide(Self.claim(margin: 0.1), evidence: PairedComparison(a: Self.values([], n: 5), b: Self.values([0, 1, 2], n: 5),
                                                                                                seed: 1234))
        #expect(margin.verdict == (evidence.ciLow > 0.1 ? .passed : .inconclusive))
    }

    @Test func marginsAndNonStrictClaimsReadTheInterval() {
        // Identical models: the interval is [0, 0].
        #expect(Self.decide(base: Set(0..<30), tuned: Set(0..<30), n: 60, Self.claim(.greaterEqual)).0 == .passed)
        #expect(Self.decide(base: Set(0..<30), tuned: Set(0..<30), n: 60).0 == .inconclusive)
        // +0.4 is not more than +0.6: every value of the interval is below the margin.
        #expect(Self.decide(base: Set(0..<20), tuned: Set(0..<60), n: 100, Self.claim(margin: 0.6)).0 == .failed)
        // Not worse by more than 0.05 when clearly better.
        #expect(Self.decide(base: Set(0..<20), tuned: Set(0..<60), n: 100, Self.claim(.greaterEqual, margin: -0.05)).0 == .passed)
    }

    @Test func theRunnerSeedsTheBootstrapFromTheExperimentAndUsesTheClaimsLevel() throws {
        // Graded values, so that intervals drawn with different seeds differ in their digits.
        func graded(_ model: String, _ step: Int) -> TaskOutcome {
            var outcome = MetricIntervalTests.outcome(model: model, task: "arc_easy", correct: [], n: 30)
            outcome.samples = (0..<30).map { .object(["doc_id": .int($0), "filter": .string("none"), "acc": .double((sin(Double($0 * step)) + 1) / 2)]) }
            return outcome
        }
        let base = graded("base", 7), tuned = graded("tuned", 5)
        let claim = Self.claim(confidence: 0.9)
        let first = ExperimentRunner.evaluate(claim, source: "s", line: 3, outcomes: [base, tuned], seed: 7)
        let again = ExperimentRunner.evaluate(claim, source: "s", line: 3, outcomes: [base, tuned], seed: 7)
        let other = ExperimentRunner.evaluate(claim, source: "s", line: 3, outcomes: [base, tuned], seed: 8)
        #expect(first == again)
        let ids = Array(0..<30)
        let interval = try PairedStatistics.bootstrapCI(a: ids.map { tuned.perDocument("acc,none")[$0]! }, b: ids.map { base.perDocument("acc,none")[$0]! },
                                                        iterations: PairedComparison.defaultIterations, seed: 7, confidence: 0.9)
        #expect(first.detail.contains("90% CI [\(String(format: "%+.4f", interval.lower)), \(String(format: "%+.4f", interval.upper))]"))
        #expect(first.detail != other.detail)
        let missing = ExperimentRunner.evaluate(claim, source: "s", line: 3, outcomes: [base], seed: 7)
        #expect(missing.verdict == .failed && missing.detail == "no result for tuned.arc_easy.acc")
    }
}
