/// Checks a parsed program against the host's registered built-ins before anything runs: unknown
/// names, argument labels, missing or duplicate arguments, types, bindings, and the values of
/// literal arguments. Reports every problem it finds.
public struct Checker {
    struct Binding {
        var type: ArenaType
        var range: SourceRange
        /// The value when the binding is a literal, so rules can check it before running.
        var constant: Value?
    }

    let host: HostEnvironment
    var scopes: [[String: Binding]] = [[:]]
    var insideExpect = false
    /// Where `experiment`, `seed` and `limit` were first given.
    var firstGiven: [String: SourceRange] = [:]
    public internal(set) var diagnostics: [Diagnostic] = []

    public init(host: HostEnvironment) {
        self.host = host
    }

    public static func check(_ program: Program, host: HostEnvironment) -> [Diagnostic] {
        var checker = Checker(host: host)
        for statement in program.statements { checker.check(statement, topLevel: true) }
        return checker.diagnostics.sortedBySource()
    }

    mutating func report(_ message: String, at range: SourceRange, hint: String? = nil) {
        diagnostics.append(.error(message, at: range, hint: hint))
    }

    mutating func warn(_ message: String, at range: SourceRange, hint: String? = nil) {
        diagnostics.append(.warning(message, at: range, hint: hint))
    }

    func lookup(_ name: String) -> Binding? {
        for scope in scopes.reversed() { if let b = scope[name] { return b } }
        return nil
    }

    var visibleNames: [String] {
        scopes.flatMap(\.keys) + host.functions.values.filter(\.usableAsValue).map(\.name)
    }

    // MARK: Statements

    mutating func check(_ statement: Stmt, topLevel: Bool) {
        switch statement.kind {
        case .experiment(let name):
            onlyOnce("experiment", statement, topLevel: topLevel)
            expectType(.string, of: name, what: "the experiment name")
        case .binding(let name, let nameRange, let value):
            let type = typeOf(value)
            if type == .void { report("'\(value.calleeName ?? "this call")' gives no value to bind", at: value.range) }
            declare(name, at: nameRange, type: type, constant: constantValue(value))
        case .forLoop(let variable, let variableRange, let sequence, let body):
            var elementType = ArenaType.any
            switch typeOf(sequence) {
            case .list(let e): elementType = e
            case .any: break
            case let other:
                report("'for' needs a list to loop over, found \(other)", at: sequence.range, hint: "write: for x in [a, b] { ... }")
            }
            scopes.append([:])
            declare(variable, at: variableRange, type: elementType, constant: nil)
            for s in body { check(s, topLevel: false) }
            scopes.removeLast()
        case .seed(let e):
            onlyOnce("seed", statement, topLevel: topLevel)
            checkWholeNumber(e, what: "seed", minimum: 0)
        case .limit(let e):
            onlyOnce("limit", statement, topLevel: topLevel)
            checkWholeNumber(e, what: "limit", minimum: 1)
        case .expect(let e, let confidence):
            insideExpect = true
            let typed = expectType(.bool, of: e, what: "'expect'", hint: "compare results, like: expect b.gsm8k.exact_match >= a.gsm8k.exact_match")
            insideExpect = false
            if let confidence { checkConfidence(of: e, level: confidence, conditionTyped: typed) }
        case .expression(let e):
            let type = typeOf(e)
            if case .call = e.kind {} else if type != .any {
                warn("this \(type) is computed but not used", at: e.range, hint: "bind it with 'let name = ...' or remove it")
            }
        }
    }

    private mutating func onlyOnce(_ keyword: String, _ statement: Stmt, topLevel: Bool) {
        if !topLevel {
            report("'\(keyword)' is allowed only at the top level", at: statement.range, hint: "move it out of the loop")
        } else if let first = firstGiven[keyword] {
            report("'\(keyword)' is given twice", at: statement.range, hint: "it was first given at line \(first.start.line)")
        } else {
            firstGiven[keyword] = statement.range
        }
    }

    private mutating func checkWholeNumber(_ e: Expr, what: String, minimum: Int) {
        guard expectType(.number, of: e, what: "'\(what)'") else { return }
        if let v = constantValue(e), v.integerValue.map({ $0 < minimum }) ?? true {
            report("'\(what)' must be a whole number \(minimum == 0 ? "of 0 or more" : "of at least \(minimum)"), found \(v)", at: e.range)
        }
    }

    @discardableResult
    mutating func expectType(_ type: ArenaType, of e: Expr, what: String, hint: String? = nil) -> Bool {
        let actual = typeOf(e)
        guard type.accepts(actual) else {
            report("\(what) must be a \(type), found \(actual)", at: e.range, hint: hint)
            return false
        }
        return true
    }

    mutating func declare(_ name: String, at range: SourceRange, type: ArenaType, constant: Value?) {
        if host.functions[name] != nil {
            report("'\(name)' is the name of a built-in and cannot be rebound", at: range, hint: "choose another name")
        } else if let earlier = lookup(name) {
            report("'\(name)' is already bound", at: range,
                   hint: "it was bound at line \(earlier.range.start.line), column \(earlier.range.start.column); choose another name")
        } else {
            scopes[scopes.count - 1][name] = Binding(type: type, range: range, constant: constant)
        }
    }
}

extension Expr {
    /// The function name when this is a call.
    var calleeName: String? {
        if case .call(let callee, _, _) = kind { return callee }
        return nil
    }
}
