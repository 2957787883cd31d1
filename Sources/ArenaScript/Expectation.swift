/// One result that exists only after running: `model.task.metric`, with the model named by the
/// key the host gives it (its binding name).
public struct ResultReference: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var model: String
    public var task: String
    public var metric: String

    public init(model: String, task: String, metric: String) {
        self.model = model
        self.task = task
        self.metric = metric
    }

    public var description: String { "\(model).\(task).\(metric)" }
    public static func < (a: ResultReference, b: ResultReference) -> Bool {
        (a.model, a.task, a.metric) < (b.model, b.task, b.metric)
    }
}

public enum ExpectationOutcome: Sendable, Hashable {
    case passed
    case failed
    /// Some results were not available; they are listed in order of first use.
    case unresolved(missing: [ResultReference])
}

/// A checked `expect` expression with every binding replaced by its value: constants, results
/// and operators. Evaluated once results exist.
public indirect enum ExpectationTerm: Sendable, Hashable, CustomStringConvertible {
    case constant(Value)
    case result(ResultReference)
    case unary(UnaryOperator, ExpectationTerm)
    case binary(BinaryOperator, ExpectationTerm, ExpectationTerm)

    /// Every result the term reads, in order of first use.
    public var references: [ResultReference] {
        var seen: [ResultReference] = []
        func walk(_ t: ExpectationTerm) {
            switch t {
            case .constant: break
            case .result(let r): if !seen.contains(r) { seen.append(r) }
            case .unary(_, let x): walk(x)
            case .binary(_, let l, let r): walk(l); walk(r)
            }
        }
        walk(self)
        return seen
    }

    /// Evaluates the term with results from `resolve`; unresolved if any result it reads is
    /// missing. Division by zero gives a non-number that fails every comparison.
    public func evaluate(_ resolve: (ResultReference) -> Double?) -> ExpectationOutcome {
        let missing = references.filter { resolve($0) == nil }
        guard missing.isEmpty else { return .unresolved(missing: missing) }
        return value(resolve) == .bool(true) ? .passed : .failed
    }

    private func value(_ resolve: (ResultReference) -> Double?) -> Value? {
        switch self {
        case .constant(let v): return v
        case .result(let r): return resolve(r).map(Value.number)
        case .unary(let op, let x):
            switch (op, x.value(resolve)) {
            case (.negate, .number(let n)?): return .number(-n)
            case (.not, .bool(let b)?): return .bool(!b)
            default: return nil
            }
        case .binary(let op, let l, let r):
            guard let a = l.value(resolve), let b = r.value(resolve) else { return nil }
            return Self.apply(op, a, b)
        }
    }

    /// One operator on two values; nil when the operator does not apply to them.
    static func apply(_ op: BinaryOperator, _ a: Value, _ b: Value) -> Value? {
        switch (op, a, b) {
        case (.add, .number(let x), .number(let y)): return .number(x + y)
        case (.subtract, .number(let x), .number(let y)): return .number(x - y)
        case (.multiply, .number(let x), .number(let y)): return .number(x * y)
        case (.divide, .number(let x), .number(let y)): return .number(x / y)
        case (.less, .number(let x), .number(let y)): return .bool(x < y)
        case (.lessEqual, .number(let x), .number(let y)): return .bool(x <= y)
        case (.greater, .number(let x), .number(let y)): return .bool(x > y)
        case (.greaterEqual, .number(let x), .number(let y)): return .bool(x >= y)
        case (.equal, _, _): return .bool(a == b)
        case (.notEqual, _, _): return .bool(a != b)
        case (.and, .bool(let x), .bool(let y)): return .bool(x && y)
        case (.or, .bool(let x), .bool(let y)): return .bool(x || y)
        default: return nil
        }
    }

    public var description: String { render(parentPrecedence: 0) }

    private var precedence: Int {
        switch self {
        case .constant, .result: 7
        case .unary(.negate, _): 6
        case .unary(.not, _): 3
        case .binary(let op, _, _):
            switch op {
            case .or: 1
            case .and: 2
            case .multiply, .divide: 5
            case .add, .subtract: 4
            default: 3
            }
        }
    }

    private func render(parentPrecedence: Int) -> String {
        let text: String
        switch self {
        case .constant(let v): text = v.description
        case .result(let r): text = r.description
        case .unary(.negate, let x): text = "-" + x.render(parentPrecedence: precedence)
        case .unary(.not, let x): text = "not " + x.render(parentPrecedence: precedence)
        case .binary(let op, let l, let r):
            text = l.render(parentPrecedence: precedence) + " \(op.rawValue) " + r.render(parentPrecedence: precedence + 1)
        }
        return precedence < parentPrecedence ? "(\(text))" : text
    }
}

extension Interpreter {
    /// The `expect` expression with bindings evaluated now and `model.task.metric` chains kept as
    /// results for later.
    mutating func expectationTerm(_ e: Expr) throws(Diagnostic) -> ExpectationTerm {
        switch e.kind {
        case .member(let inner, let metric, _):
            if case .member(let subjectExpression, let task, _) = inner.kind, let schema = host.resultSchema,
               case .host(let subject) = try evaluate(subjectExpression), subject.typeName == schema.subjectType {
                return .result(ResultReference(model: output.name(of: subject), task: task, metric: metric))
            }
            return .constant(try evaluate(e))
        case .unary(let op, let x):
            return .unary(op, try expectationTerm(x))
        case .binary(let op, let l, let r):
            return .binary(op, try expectationTerm(l), try expectationTerm(r))
        default:
            return .constant(try evaluate(e))
        }
    }
}

extension Interpretation {
    /// The key of a host object: the first name it was bound to, else its type and id (`model-3`, never a valid binding name).
    public func name(of object: HostObject) -> String {
        objectNames[object.id] ?? "\(object.typeName.lowercased())-\(object.id)"
    }
}
