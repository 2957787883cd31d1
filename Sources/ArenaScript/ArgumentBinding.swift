/// Matches a call's arguments to a built-in's parameters: unlabelled arguments fill the positional
/// parameters in order, labelled ones go by name. Used by the checker and the interpreter alike.
struct ArgumentBinding {
    /// Parameter name -> the argument given for it.
    var arguments: [String: CallArgument] = [:]
    var problems: [Diagnostic] = []

    init(_ function: BuiltinFunction, _ given: [CallArgument], callRange: SourceRange) {
        let positional = function.parameters.filter(\.isPositional)
        var nextPositional = 0
        for argument in given {
            guard let label = argument.label else {
                if nextPositional < positional.count {
                    bind(positional[nextPositional].name, argument, function)
                    nextPositional += 1
                } else {
                    let labels = function.parameters.filter { !$0.isPositional }.map { "\($0.name):" }
                    problems.append(.error("this argument to \(function.name) needs a label", at: argument.range,
                                           hint: labels.isEmpty ? nil : "\(function.name) takes \(labels.joined(separator: " "))"))
                }
                continue
            }
            guard function.parameter(named: label) != nil else {
                let labelRange = argument.labelRange ?? argument.range
                let names = function.parameters.map(\.name)
                problems.append(.error("\(function.name) has no parameter '\(label)'", at: labelRange,
                                       hint: Suggestions.hint(for: label, in: names)
                                           ?? (names.isEmpty ? "\(function.name) takes no arguments" : "its parameters are \(names.joined(separator: ", "))")))
                continue
            }
            bind(label, argument, function)
        }
        for p in function.parameters where arguments[p.name] == nil {
            if case .required = p.requirement {
                let how = p.isPositional ? "an unlabelled \(p.type)" : "\(p.name): \(p.type)"
                problems.append(.error("missing argument '\(p.name)' in call to \(function.name)", at: callRange,
                                       hint: "add \(how)"))
            }
        }
    }

    private mutating func bind(_ name: String, _ argument: CallArgument, _ function: BuiltinFunction) {
        if let first = arguments[name] {
            problems.append(.error("argument '\(name)' is given twice", at: argument.range,
                                   hint: "it was first given at line \(first.range.start.line), column \(first.range.start.column)"))
        } else {
            arguments[name] = argument
        }
    }
}

extension Checker {
    mutating func typeOfCall(_ callee: String, calleeRange: SourceRange, arguments: [CallArgument], range: SourceRange) -> ArenaType {
        guard let function = host.functions[callee] else {
            for a in arguments { _ = typeOf(a.value) }
            if lookup(callee) != nil {
                report("'\(callee)' is not a function", at: calleeRange)
            } else {
                report("unknown function '\(callee)'", at: calleeRange, hint: Suggestions.hint(for: callee, in: host.functionNames))
            }
            return .any
        }
        let binding = ArgumentBinding(function, arguments, callRange: range)
        diagnostics += binding.problems
        var constants: [String: Value] = [:]
        var allConstant = true
        for argument in arguments {
            let type = typeOf(argument.value)
            guard let name = binding.arguments.first(where: { $0.value == argument })?.key,
                  let parameter = function.parameter(named: name) else { continue }
            guard parameter.type.accepts(type) else {
                report("argument '\(name)' of \(callee) must be a \(parameter.type), found \(type)", at: argument.value.range)
                allConstant = false
                continue
            }
            guard let value = constantValue(argument.value) else { allConstant = false; continue }
            constants[name] = value
            if let problem = parameter.rule?(value) {
                diagnostics.append(Diagnostic(problem.severity, problem.message(for: name, of: callee), at: argument.value.range, hint: problem.hint))
            }
        }
        if allConstant, binding.problems.isEmpty, let rule = function.callRule {
            for (p, d) in function.parameters.compactMap({ p -> (String, Value)? in
                if case .defaultValue(let d) = p.requirement { (p.name, d) } else { nil }
            }) where constants[p] == nil { constants[p] = d }
            for problem in rule(constants) {
                let at = problem.parameter.flatMap { binding.arguments[$0]?.value.range } ?? range
                let message = problem.parameter.map { problem.message(for: $0, of: callee) } ?? problem.message
                diagnostics.append(Diagnostic(problem.severity, message, at: at, hint: problem.hint))
            }
        }
        return function.returns
    }
}
