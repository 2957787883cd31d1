extension Checker {
    mutating func typeOf(_ e: Expr) -> ArenaType {
        switch e.kind {
        case .number: return .number
        case .bool: return .bool
        case .invalid: return .any
        case .string(let segments):
            for case .interpolation(let inner) in segments {
                let t = typeOf(inner)
                if ![.string, .number, .bool, .any].contains(t) {
                    report("cannot interpolate a \(t) into a string", at: inner.range, hint: "interpolate a String, Number or Bool")
                }
            }
            return .string
        case .list(let items):
            let types = items.map { typeOf($0) }
            guard let common = ArenaType.common(types) else {
                report("a list holds values of one type; this one mixes \(Suggestions.list(Array(Set(types.map(\.description))).sorted()))",
                       at: e.range)
                return .list(.any)
            }
            return .list(common)
        case .record(let entries):
            var seen: [String: SourceRange] = [:]
            for entry in entries {
                if let first = seen[entry.key] {
                    report("record key '\(entry.key)' is given twice", at: entry.keyRange, hint: "it was first given at line \(first.start.line)")
                }
                seen[entry.key] = entry.keyRange
            }
            let types = entries.map { typeOf($0.value) }
            guard let common = ArenaType.common(types) else {
                report("a record's values have one type; this one mixes \(Suggestions.list(Array(Set(types.map(\.description))).sorted()))", at: e.range)
                return .record(.any)
            }
            return .record(common)
        case .identifier(let name):
            return typeOfName(name, at: e.range)
        case .member(let base, let name, let nameRange):
            return typeOfMember(typeOf(base), base: base, name: name, nameRange: nameRange)
        case .call(let callee, let calleeRange, let arguments):
            return typeOfCall(callee, calleeRange: calleeRange, arguments: arguments, range: e.range)
        case .unary(let op, let operand):
            let type: ArenaType = op == .negate ? .number : .bool
            expectType(type, of: operand, what: "the operand of '\(op.rawValue)'")
            return type
        case .binary(let op, let l, let r):
            return typeOfBinary(op, l, r)
        }
    }

    private mutating func typeOfBinary(_ op: BinaryOperator, _ l: Expr, _ r: Expr) -> ArenaType {
        if op.isArithmetic {
            expectType(.number, of: l, what: "the left side of '\(op.rawValue)'")
            expectType(.number, of: r, what: "the right side of '\(op.rawValue)'")
            return .number
        }
        if op == .and || op == .or {
            expectType(.bool, of: l, what: "the left side of '\(op.rawValue)'")
            expectType(.bool, of: r, what: "the right side of '\(op.rawValue)'")
            return .bool
        }
        let lt = typeOf(l), rt = typeOf(r)
        if op == .equal || op == .notEqual {
            if [.string, .number, .bool].contains(lt) || lt == .any {
                if !lt.accepts(rt) { report("cannot compare a \(lt) with a \(rt)", at: SourceRange(from: l.range, to: r.range)) }
            } else {
                report("'\(op.rawValue)' compares Numbers, Strings or Bools, not a \(lt)", at: l.range)
            }
        } else {
            for (side, t, range) in [("left", lt, l.range), ("right", rt, r.range)] where !ArenaType.number.accepts(t) {
                report("the \(side) side of '\(op.rawValue)' must be a Number, found \(t)", at: range,
                       hint: t.isTaskResults ? "name a metric, like .acc or .exact_match" : nil)
            }
        }
        return .bool
    }

    private mutating func typeOfName(_ name: String, at range: SourceRange) -> ArenaType {
        if let binding = lookup(name) { return binding.type }
        if let function = host.functions[name] {
            if function.usableAsValue { return function.returns }
            report("'\(name)' is a function; call it as \(name)(...)", at: range)
            return .any
        }
        report("unknown name '\(name)'", at: range, hint: Suggestions.hint(for: name, in: visibleNames))
        return .any
    }

    private mutating func typeOfMember(_ baseType: ArenaType, base: Expr, name: String, nameRange: SourceRange) -> ArenaType {
        switch baseType {
        case .any:
            return .any
        case .host(let typeName) where host.resultSchema?.subjectType == typeName:
            let tasks = host.resultSchema?.metrics.keys.sorted() ?? []
            guard tasks.contains(name) else {
                report("\(typeName) has no results for '\(name)'", at: nameRange,
                       hint: Suggestions.hint(for: name, in: tasks) ?? "tasks with results: \(tasks.joined(separator: ", "))")
                return .any
            }
            if !insideExpect {
                report("results of '\(base.rangeText)' on \(name) exist only after running; use them inside 'expect'", at: base.range)
            }
            return .taskResults(subject: typeName, task: name)
        case .taskResults(_, let task):
            let metrics = host.resultSchema?.metrics[task] ?? []
            guard metrics.contains(name) else {
                report("task '\(task)' has no metric '\(name)'", at: nameRange,
                       hint: "its metrics are \(Suggestions.list(metrics))")
                return .any
            }
            return .number
        case .record(let valueType):
            if let constant = constantValue(base), case .record(let fields) = constant, fields[name] == nil {
                report("the record has no key '\(name)'", at: nameRange, hint: Suggestions.hint(for: name, in: Array(fields.keys)))
            }
            return valueType
        default:
            report("a \(baseType) has no member '\(name)'", at: nameRange)
            return .any
        }
    }

    // MARK: Constants

    /// The value of an expression made only of literals and literal bindings, or nil.
    func constantValue(_ e: Expr) -> Value? {
        switch e.kind {
        case .number(let n): return .number(n)
        case .bool(let b): return .bool(b)
        case .string(let segments):
            var text = ""
            for segment in segments {
                switch segment {
                case .text(let t): text += t
                case .interpolation(let inner):
                    guard let v = constantValue(inner), [.string, .number, .bool].contains(v.kind) else { return nil }
                    text += v.interpolated
                }
            }
            return .string(text)
        case .list(let items):
            var values: [Value] = []
            for item in items {
                guard let v = constantValue(item) else { return nil }
                values.append(v)
            }
            return .list(values)
        case .record(let entries):
            var fields: [String: Value] = [:]
            for entry in entries {
                guard let v = constantValue(entry.value) else { return nil }
                fields[entry.key] = v
            }
            return .record(fields)
        case .unary(.negate, let inner):
            guard case .number(let n)? = constantValue(inner) else { return nil }
            return .number(-n)
        case .identifier(let name):
            return lookup(name)?.constant
        default:
            return nil
        }
    }
}

extension ArenaType {
    var isTaskResults: Bool { if case .taskResults = self { true } else { false } }
}

extension Value {
    /// The value's type, for messages and for checking constants.
    public var kind: ArenaType {
        switch self {
        case .string: .string
        case .number: .number
        case .bool: .bool
        case .void: .void
        case .host(let o): .host(o.typeName)
        case .list(let xs): .list(ArenaType.common(xs.map(\.kind)) ?? .any)
        case .record(let r): .record(ArenaType.common(r.values.map(\.kind)) ?? .any)
        }
    }
}

extension Expr {
    /// A short spelling of simple expressions (`base`, `a.b`) for messages.
    var rangeText: String {
        switch kind {
        case .identifier(let n): n
        case .member(let base, let name, _): base.rangeText + "." + name
        default: "this value"
        }
    }
}
