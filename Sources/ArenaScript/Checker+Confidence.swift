/// `expect condition with confidence level`: the level is a Number in (0, 1), and the condition
/// compares one metric of two different models, with only `+`/`-` margins around them
/// (`PairedClaim`).
extension Checker {
    mutating func checkConfidence(of condition: Expr, level: Expr, conditionTyped: Bool) {
        if expectType(.number, of: level, what: "the confidence"), let value = constantValue(level)?.numberValue, !(value > 0 && value < 1) {
            report("the confidence must be between 0 and 1, found \(Value.format(value))", at: level.range,
                   hint: "write a level like 0.95 (95%)")
        }
        guard conditionTyped else { return }
        let shape: ClaimShape
        switch condition.claimShape(isResult: { isResult($0) }) {
        case .success(let s): shape = s
        case .failure(let d): diagnostics.append(d); return
        }
        guard let larger = shape.larger.resultChain, let smaller = shape.smaller.resultChain else { return }
        if larger.task != smaller.task || larger.metric != smaller.metric {
            report("'with confidence' pairs one metric of two models, document by document; this compares \(larger.task).\(larger.metric) with \(smaller.task).\(smaller.metric)",
                   at: condition.range, hint: "compare the same task and metric on both sides")
        }
        if case .identifier(let a) = larger.subject.kind, case .identifier(let b) = smaller.subject.kind, a == b {
            report("'with confidence' compares two different models; both sides are '\(a)'", at: condition.range)
        }
    }

    /// Whether `e` is `subject.task.metric` with a subject of the host's result type (by the
    /// subject's declared type; reports nothing).
    func isResult(_ e: Expr) -> Bool {
        guard let chain = e.resultChain, let schema = host.resultSchema else { return false }
        switch chain.subject.kind {
        case .identifier(let name): return lookup(name)?.type == .host(schema.subjectType)
        case .call(let callee, _, _): return host.functions[callee]?.returns == .host(schema.subjectType)
        default: return false
        }
    }
}
