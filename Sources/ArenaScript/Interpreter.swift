/// What running a checked program produced: the top-level settings, the host events in order,
/// the expectations (unevaluated), and the binding name of each host object.
public struct Interpretation: Sendable, Hashable {
    public var experimentName: String?
    public var seed: Int?
    public var limit: Int?
    public var events: [HostEvent] = []
    public var expectations: [RecordedExpectation] = []
    /// Host object id -> the first name it was bound to with `let`.
    public var objectNames: [Int: String] = [:]
    /// Host objects bound at the top level, in order, with where their name was written.
    public var topLevelBindings: [TopLevelBinding] = []
}

/// `let name = <host object>` at the top level: lets the host warn about things made and unused.
public struct TopLevelBinding: Sendable, Hashable {
    public var name: String
    public var object: HostObject
    public var nameRange: SourceRange
}

/// An `expect` as it was met while running: its source, where, and its term with every binding
/// replaced by its value, so the host can evaluate it once results exist.
public struct RecordedExpectation: Sendable, Hashable {
    public var source: String
    public var range: SourceRange
    public var cell: Int
    public var term: ExpectationTerm
    /// For `expect ... with confidence C`: the claim about the paired difference it decides.
    public var claim: PairedClaim? = nil
}

/// Runs a checked program. Pure: no clock, randomness or I/O; the world is reached only through
/// the host's built-ins, which return values and events.
public struct Interpreter {
    let host: HostEnvironment
    let source: SourceText
    var scopes: [[String: Value]] = [[:]]
    var output = Interpretation()
    var cell = 0
    var nextObjectID = 1

    public init(host: HostEnvironment, source: SourceText) {
        self.host = host
        self.source = source
    }

    /// Runs every statement in order; the first runtime error stops it.
    public static func run(_ program: Program, host: HostEnvironment, source: SourceText) throws(Diagnostic) -> Interpretation {
        var interpreter = Interpreter(host: host, source: source)
        for (index, statement) in program.statements.enumerated() {
            interpreter.cell = index
            try interpreter.execute(statement)
        }
        return interpreter.output
    }

    mutating func execute(_ statement: Stmt) throws(Diagnostic) {
        switch statement.kind {
        case .experiment(let name):
            output.experimentName = try evaluate(name).stringValue
        case .binding(let name, let nameRange, let e):
            let value = try evaluate(e)
            if case .host(let object) = value, output.objectNames[object.id] == nil {
                output.objectNames[object.id] = name
                if scopes.count == 1 { output.topLevelBindings.append(TopLevelBinding(name: name, object: object, nameRange: nameRange)) }
            }
            scopes[scopes.count - 1][name] = value
        case .forLoop(let variable, _, let sequence, let body):
            guard case .list(let items) = try evaluate(sequence) else {
                throw Diagnostic.error("'for' needs a list to loop over", at: sequence.range)
            }
            for item in items {
                scopes.append([variable: item])
                defer { scopes.removeLast() }
                for s in body { try execute(s) }
            }
        case .seed(let e):
            output.seed = try wholeNumber(e, minimum: 0, what: "seed")
        case .limit(let e):
            output.limit = try wholeNumber(e, minimum: 1, what: "limit")
        case .expect(let e, let confidence):
            let term = try expectationTerm(e)
            let claim = try confidence.map { c throws(Diagnostic) in try pairedClaim(e, level: c) }
            let range = SourceRange(from: e.range, to: confidence?.range ?? e.range)
            output.expectations.append(RecordedExpectation(source: source.slice(range), range: range, cell: cell, term: term, claim: claim))
        case .expression(let e):
            _ = try evaluate(e)
        }
    }

    private mutating func wholeNumber(_ e: Expr, minimum: Int, what: String) throws(Diagnostic) -> Int {
        let v = try evaluate(e)
        guard let n = v.integerValue, n >= minimum else {
            throw Diagnostic.error("'\(what)' must be a whole number of at least \(minimum), found \(v)", at: e.range)
        }
        return n
    }

    func lookup(_ name: String) -> Value? {
        for scope in scopes.reversed() { if let v = scope[name] { return v } }
        return nil
    }

    mutating func evaluate(_ e: Expr) throws(Diagnostic) -> Value {
        switch e.kind {
        case .number(let n): return .number(n)
        case .bool(let b): return .bool(b)
        case .invalid: throw Diagnostic.error("cannot run an expression that did not parse", at: e.range)
        case .string(let segments):
            var text = ""
            for segment in segments {
                switch segment {
                case .text(let t): text += t
                case .interpolation(let inner): text += try evaluate(inner).interpolated
                }
            }
            return .string(text)
        case .list(let items):
            var values: [Value] = []
            for item in items { values.append(try evaluate(item)) }
            return .list(values)
        case .record(let entries):
            var fields: [String: Value] = [:]
            for entry in entries { fields[entry.key] = try evaluate(entry.value) }
            return .record(fields)
        case .identifier(let name):
            if let v = lookup(name) { return v }
            if host.functions[name]?.usableAsValue == true { return try call(name, arguments: [], range: e.range, calleeRange: e.range) }
            throw Diagnostic.error("unknown name '\(name)'", at: e.range)
        case .member(let base, let name, let nameRange):
            let value = try evaluate(base)
            if case .record(let fields) = value {
                if let field = fields[name] { return field }
                throw Diagnostic.error("the record has no key '\(name)'", at: nameRange)
            }
            throw Diagnostic.error("'\(name)' has no value while running", at: nameRange,
                                   hint: "results exist only after running; use them inside 'expect'")
        case .call(let callee, let calleeRange, let arguments):
            return try call(callee, arguments: arguments, range: e.range, calleeRange: calleeRange)
        case .unary(let op, let operand):
            let v = try evaluate(operand)
            switch (op, v) {
            case (.negate, .number(let n)): return .number(-n)
            case (.not, .bool(let b)): return .bool(!b)
            default: throw Diagnostic.error("'\(op.rawValue)' cannot be applied to \(v)", at: e.range)
            }
        case .binary(let op, let l, let r):
            return try binary(op, l, r, range: e.range)
        }
    }

    private mutating func binary(_ op: BinaryOperator, _ l: Expr, _ r: Expr, range: SourceRange) throws(Diagnostic) -> Value {
        let left = try evaluate(l)
        if op == .and, left == .bool(false) { return .bool(false) }
        if op == .or, left == .bool(true) { return .bool(true) }
        let right = try evaluate(r)
        switch ExpectationTerm.apply(op, left, right) {
        case .some(let v): return v
        case .none: throw Diagnostic.error("'\(op.rawValue)' cannot combine \(left) and \(right)", at: range)
        }
    }

    mutating func call(_ name: String, arguments: [CallArgument], range: SourceRange, calleeRange: SourceRange) throws(Diagnostic) -> Value {
        guard let function = host.functions[name] else { throw Diagnostic.error("unknown function '\(name)'", at: calleeRange) }
        let binding = ArgumentBinding(function, arguments, callRange: range)
        if let first = binding.problems.first { throw first }
        var values: [String: Value] = [:]
        for parameter in function.parameters {
            if let argument = binding.arguments[parameter.name] {
                let value = try evaluate(argument.value)
                if let problem = parameter.rule?(value), problem.severity == .error {
                    throw Diagnostic.error(problem.message(for: parameter.name, of: name), at: argument.value.range, hint: problem.hint)
                }
                values[parameter.name] = value
            } else if case .defaultValue(let d) = parameter.requirement {
                values[parameter.name] = d
            }
        }
        for problem in function.callRule?(values) ?? [] where problem.severity == .error {
            let at = problem.parameter.flatMap { binding.arguments[$0]?.value.range } ?? range
            throw Diagnostic.error(problem.message, at: at, hint: problem.hint)
        }
        let id = nextObjectID
        nextObjectID += 1
        do {
            let result = try function.body(BuiltinCall(arguments: values, objectID: id, range: range))
            for var event in result.events {
                event.range = range
                event.cell = cell
                output.events.append(event)
            }
            return result.value
        } catch {
            let at = error.parameter.flatMap { binding.arguments[$0]?.value.range } ?? range
            throw Diagnostic.error(error.message, at: at, hint: error.hint)
        }
    }
}
