/// `expect tuned.gsm8k.exact_match > base.gsm8k.exact_match [+ margin] with confidence 0.95`:
/// a claim about the paired difference `left − right` of one metric on the documents both models
/// scored, which the host decides from the evidence (a confidence interval of the difference, a
/// paired test) as passed, failed or inconclusive. Written with `<` or `<=`, the sides are swapped
/// so that the claim always reads `left − right > margin` or `>= margin`.
public struct PairedClaim: Sendable, Hashable, CustomStringConvertible {
    public var left: ResultReference
    public var right: ResultReference
    /// `.greater` or `.greaterEqual`.
    public var relation: BinaryOperator
    public var margin: Double
    /// The confidence level, in (0, 1).
    public var confidence: Double

    public init(left: ResultReference, right: ResultReference, relation: BinaryOperator, margin: Double, confidence: Double) {
        self.left = left
        self.right = right
        self.relation = relation
        self.margin = margin
        self.confidence = confidence
    }

    /// Whether a value of the difference `left − right` is one the claim allows.
    public func holds(forDifference d: Double) -> Bool {
        relation == .greater ? d > margin : d >= margin
    }

    public var description: String {
        "\(left) − \(right) \(relation.rawValue) \(Value.format(margin))"
    }
}

/// The parts of an `expect` comparison that `with confidence` reads: a comparison whose two sides,
/// taken apart at `+`, `-` and unary `-`, hold exactly two results with opposite signs and any
/// number of constants.
struct ClaimShape {
    var relation: BinaryOperator
    /// The result the claim says is larger, and the one it is compared with.
    var larger: Expr
    var smaller: Expr
    /// Constants, each with the sign it has on the side of `larger` (moved to the margin negated).
    var constants: [(sign: Double, expr: Expr)]
}

extension Expr {
    /// The claim's shape, or the diagnostic that says why this condition is not one.
    /// `isResult` says whether an expression is a `model.task.metric` result.
    func claimShape(isResult: (Expr) -> Bool) -> Result<ClaimShape, Diagnostic> {
        let example = "write: expect tuned.gsm8k.exact_match > base.gsm8k.exact_match with confidence 0.95"
        guard case .binary(let op, let l, let r) = kind, op.isComparison else {
            if case .binary(let op, _, _) = kind, op == .and || op == .or {
                return .failure(.error("'with confidence' decides one comparison, not '\(op.rawValue)'", at: range,
                                       hint: "write one expect per comparison"))
            }
            return .failure(.error("'with confidence' needs a comparison of two models' results", at: range, hint: example))
        }
        guard op != .equal && op != .notEqual else {
            return .failure(.error("'with confidence' decides '>', '>=', '<' or '<=', not '\(op.rawValue)'", at: range, hint: example))
        }
        var results: [(sign: Double, expr: Expr)] = []
        var constants: [(sign: Double, expr: Expr)] = []
        var problem: Diagnostic?
        func split(_ e: Expr, _ sign: Double) {
            if isResult(e) { results.append((sign, e)); return }
            switch e.kind {
            case .binary(.add, let a, let b): split(a, sign); split(b, sign)
            case .binary(.subtract, let a, let b): split(a, sign); split(b, -sign)
            case .unary(.negate, let a): split(a, -sign)
            default:
                if e.mentionsResult(isResult) {
                    problem = problem ?? .error("'with confidence' allows only '+' and '-' around the two results", at: e.range,
                                                hint: "a margin is added or subtracted: tuned.gsm8k.exact_match > base.gsm8k.exact_match + 0.02")
                } else {
                    constants.append((sign, e))
                }
            }
        }
        split(l, 1)
        split(r, -1)
        if let problem { return .failure(problem) }
        guard results.count == 2 else {
            return .failure(.error("'with confidence' compares exactly two results, found \(results.count)", at: range, hint: example))
        }
        guard results[0].sign != results[1].sign else {
            return .failure(.error("'with confidence' compares two results on opposite sides of '\(op.rawValue)'", at: range, hint: example))
        }
        // Written as `positive − negative (op) −constants`; `<` and `<=` swap the sides.
        let positive = results[0].sign > 0 ? results[0].expr : results[1].expr
        let negative = results[0].sign > 0 ? results[1].expr : results[0].expr
        switch op {
        case .greater, .greaterEqual:
            return .success(ClaimShape(relation: op, larger: positive, smaller: negative, constants: constants))
        default:
            return .success(ClaimShape(relation: op == .less ? .greater : .greaterEqual, larger: negative, smaller: positive,
                                       constants: constants.map { (-$0.sign, $0.expr) }))
        }
    }

    func mentionsResult(_ isResult: (Expr) -> Bool) -> Bool {
        if isResult(self) { return true }
        switch kind {
        case .unary(_, let a): return a.mentionsResult(isResult)
        case .binary(_, let a, let b): return a.mentionsResult(isResult) || b.mentionsResult(isResult)
        default: return false
        }
    }

    /// `subject.task.metric` when the chain has that form.
    var resultChain: (subject: Expr, task: String, metric: String)? {
        guard case .member(let inner, let metric, _) = kind, case .member(let subject, let task, _) = inner.kind else { return nil }
        return (subject, task, metric)
    }
}

extension Interpreter {
    /// The claim of `expect condition with confidence level`; the checker has accepted its shape.
    mutating func pairedClaim(_ condition: Expr, level: Expr) throws(Diagnostic) -> PairedClaim {
        guard let confidence = try evaluate(level).numberValue, confidence > 0, confidence < 1 else {
            throw Diagnostic.error("the confidence must be a number between 0 and 1, like 0.95", at: level.range)
        }
        let shape: ClaimShape
        switch condition.claimShape(isResult: { isResult($0) }) {
        case .success(let s): shape = s
        case .failure(let d): throw d
        }
        guard case .result(let left) = try expectationTerm(shape.larger), case .result(let right) = try expectationTerm(shape.smaller) else {
            throw Diagnostic.error("'with confidence' compares two models' results", at: condition.range)
        }
        guard left.model != right.model else {
            throw Diagnostic.error("'with confidence' compares two different models; both sides are '\(left.model)'", at: condition.range)
        }
        var margin = 0.0
        for (sign, e) in shape.constants {
            guard let n = try evaluate(e).numberValue else { throw Diagnostic.error("a margin must be a Number", at: e.range) }
            margin -= sign * n
        }
        return PairedClaim(left: left, right: right, relation: shape.relation, margin: margin, confidence: confidence)
    }

    /// Whether `e` is `subject.task.metric` with a subject of the host's result type, without running anything.
    func isResult(_ e: Expr) -> Bool {
        guard let chain = e.resultChain, let schema = host.resultSchema else { return false }
        switch chain.subject.kind {
        case .identifier(let name): return lookup(name)?.hostValue?.typeName == schema.subjectType
        case .call(let callee, _, _): return host.functions[callee]?.returns == .host(schema.subjectType)
        default: return false
        }
    }
}
