import ArenaRuntime
import ArenaScript
import Foundation
import Testing

/// `expect ... with confidence LEVEL` parses, checks and plans to a `PairedClaim`: the larger
/// side, the other side, a strict or non-strict relation and a margin.
@Suite struct ConfidenceExpectationTests {
    static let header = """
    let base  = model("Qwen/Qwen2.5-3B-Instruct", revision: "main")
    let tuned = model("unsloth/Llama-3.1-8B-Instruct", revision: "main")
    let server = vllm(image: "vllm/vllm-openai:v0.8.5", gpu: "L40S", tp: 1)
    for m in [base, tuned] { evaluate(m, on: [gsm8k, arc_easy], with: server) }
    let margin = 0.02

    """

    func plan(_ body: String) throws -> ExperimentPlan {
        let result = PlanLoader.check(source: Self.header + body, path: "test.arena")
        #expect(!result.hasErrors, "\(result.rendered(colour: false))")
        return try #require(result.plan)
    }

    static let tuned = ResultReference(model: "tuned", task: "gsm8k", metric: "exact_match")
    static let base = ResultReference(model: "base", task: "gsm8k", metric: "exact_match")

    @Test(arguments: [
        ("tuned.gsm8k.exact_match > base.gsm8k.exact_match with confidence 0.95", BinaryOperator.greater, 0.0, 0.95),
        ("tuned.gsm8k.exact_match > base.gsm8k.exact_match + 0.02 with confidence 0.9", .greater, 0.02, 0.9),
        ("tuned.gsm8k.exact_match - base.gsm8k.exact_match >= margin with confidence 0.99", .greaterEqual, 0.02, 0.99),
        ("tuned.gsm8k.exact_match + margin >= base.gsm8k.exact_match with confidence 0.95", .greaterEqual, -0.02, 0.95),
        // `<` and `<=` swap the sides: base < tuned says tuned − base > 0.
        ("base.gsm8k.exact_match < tuned.gsm8k.exact_match with confidence 0.95", .greater, 0.0, 0.95),
        ("base.gsm8k.exact_match <= tuned.gsm8k.exact_match - 0.01 with confidence 0.8", .greaterEqual, 0.01, 0.8),
        ("-base.gsm8k.exact_match > -tuned.gsm8k.exact_match with confidence 0.95", .greater, 0.0, 0.95),
    ])
    func claimsReadAsLeftMinusRightAgainstAMargin(source: String, relation: BinaryOperator, margin: Double, confidence: Double) throws {
        let plan = try plan("expect \(source)")
        let expectation = try #require(plan.expectations.first)
        let claim = try #require(expectation.claim)
        #expect(claim.left == Self.tuned && claim.right == Self.base)
        #expect(claim.relation == relation && abs(claim.margin - margin) < 1e-12 && claim.confidence == confidence)
        #expect(expectation.source == source)
        #expect(expectation.references.count == 2)
    }

    @Test func aLoopVariableAndAConstantLevelWork() throws {
        let plan = try plan("let level = 0.95\nfor m in [tuned] { expect m.arc_easy.acc > base.arc_easy.acc with confidence level }")
        let claim = try #require(plan.expectations.first?.claim)
        #expect(claim.left.model == "tuned" && claim.right.model == "base" && claim.left.task == "arc_easy" && claim.confidence == 0.95)
        #expect(claim.description == "tuned.arc_easy.acc − base.arc_easy.acc > 0")
    }

    @Test func withAndConfidenceAreNotReservedWords() throws {
        let plan = try plan("let with = 1\nlet confidence = 0.5\nexpect tuned.gsm8k.exact_match > confidence * with")
        #expect(plan.expectations.first?.claim == nil)
    }

    @Test func aLoopOverOneModelIsRefusedWhileRunning() {
        let result = PlanLoader.check(source: Self.header + "for m in [base] { expect m.gsm8k.exact_match > base.gsm8k.exact_match with confidence 0.9 }",
                                      path: "t.arena")
        #expect(result.diagnostics.map(\.message) == ["'with confidence' compares two different models; both sides are 'base'"])
        #expect(result.diagnostics.first?.line == 6)
    }

    @Test func compareMayBeAllowedToPairDifferentSettingsAndThenWarns() throws {
        let source = """
        let base  = model("Qwen/Qwen2.5-3B-Instruct", revision: "main")
        let tuned = model("unsloth/Llama-3.1-8B-Instruct", revision: "main")
        evaluate(base, on: gsm8k(fewshot: 0))
        evaluate(tuned, on: gsm8k)
        compare(base, tuned, allow_different_settings: true)
        """
        let result = PlanLoader.check(source: source, path: "t.arena")
        #expect(!result.hasErrors)
        #expect(result.diagnostics.map(\.message) == ["compare(base, tuned) pairs runs whose settings differ (allowed by allow_different_settings): gsm8k: few-shot 0 vs 5"])
        #expect(result.diagnostics.first?.severity == .warning && result.diagnostics.first?.line == 5)
        #expect(result.plan?.comparisons.first?.allowDifferentSettings == true)
        #expect(result.plan?.warnings.count == 1)
        // Equal settings, written differently (the default few-shot count), are the same.
        let same = PlanLoader.check(source: source.replacingOccurrences(of: "fewshot: 0", with: "fewshot: 5"), path: "t.arena")
        #expect(same.diagnostics.isEmpty)
    }
}
