import ArenaScript
import Foundation

/// How `expect left.task.metric > right.task.metric [+ margin] with confidence C` is decided from
/// the paired evidence `compare` shows (docs/statistics.md): the paired bootstrap C-level CI of
/// `left − right` over the documents both scored, and, for a 0/1 metric and a claim of a plain
/// difference (`>` with no margin), McNemar's exact test at 1 − C.
///
/// - passed: every difference in the interval satisfies the claim (and McNemar's p < 1 − C where it applies);
/// - failed: no difference in the interval satisfies it (and McNemar's p < 1 − C where it applies);
/// - inconclusive: otherwise, the data do not decide at this confidence (too few documents or
///   too small a difference), which is not a pass.
public enum PairedVerdict {
    public static func decide(_ claim: PairedClaim, evidence: PairedComparison) -> (verdict: ExpectationVerdict, detail: String) {
        let left = claim.left, right = claim.right
        let subject = "\(left.model) − \(right.model) on \(left.task) \(left.metric)"
        guard evidence.count > 0, evidence.ciLow.isFinite, evidence.ciHigh.isFinite else {
            return (.failed, "\(subject): no document was scored for both models")
        }
        let alpha = 1 - claim.confidence
        var facts = "\(subject) = \(signed(evidence.difference)) over \(evidence.count) paired documents, "
            + "\(PercentText.of(claim.confidence)) CI [\(signed(evidence.ciLow)), \(signed(evidence.ciHigh))]"
        if let p = evidence.mcnemarP { facts += ", McNemar p = \(String(format: "%.4f", p))" }
        if evidence.unpairedA + evidence.unpairedB > 0 {
            facts += " (\(evidence.unpairedA + evidence.unpairedB) unpaired documents left out)"
        }
        let target = "\(claim.relation.rawValue) \(Value.format(claim.margin))"
        let all = claim.holds(forDifference: evidence.ciLow)
        let none = !claim.holds(forDifference: evidence.ciHigh)
        if all || none, let p = evidence.mcnemarP, claim.margin == 0, claim.relation == .greater, !(p < alpha) {
            return (.inconclusive, facts + ": McNemar p ≥ \(Value.format(alpha)), so the documents the two models disagree on do not tell them apart at this confidence")
        }
        if all { return (.passed, facts + ": every difference in the interval is \(target)") }
        if none { return (.failed, facts + ": no difference in the interval is \(target)") }
        return (.inconclusive, facts + ": the interval holds differences on both sides of \(Value.format(claim.margin)), so the data do not decide at this confidence")
    }

    static func signed(_ v: Double) -> String { String(format: "%+.4f", v) }
}

extension ExperimentRunner {
    /// An `expect ... with confidence` over the run's per-document values, its bootstrap seeded
    /// from the experiment's seed.
    static func evaluate(_ claim: PairedClaim, source: String, line: Int, outcomes: [TaskOutcome], seed: Int) -> ExpectationResult {
        func values(_ reference: ResultReference) -> [Int: Double]? {
            guard let key = TaskSignatures.lmEvalKey(task: reference.task, metric: reference.metric),
                  let outcome = outcomes.first(where: { $0.model == reference.model && $0.task == reference.task }) else { return nil }
            return outcome.perDocument(key)
        }
        guard let left = values(claim.left), let right = values(claim.right) else {
            let missing = [claim.left, claim.right].filter { values($0) == nil }
            return ExpectationResult(source: source, line: line, verdict: .failed, detail: "no result for " + missing.map(\.description).joined(separator: ", "))
        }
        let evidence = PairedComparison(a: right, b: left, seed: PairedComparison.seed(experiment: seed), confidence: claim.confidence)
        let (verdict, detail) = PairedVerdict.decide(claim, evidence: evidence)
        return ExpectationResult(source: source, line: line, verdict: verdict, detail: detail)
    }
}
