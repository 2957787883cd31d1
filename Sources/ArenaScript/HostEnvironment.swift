/// Something wrong with an argument's value (`revision: "a b"`) or a combination of arguments.
public struct ArgumentProblem: Error, Sendable, Hashable {
    public var severity: Severity
    public var message: String
    public var hint: String?
    /// The parameter to point at; nil points at the whole call.
    public var parameter: String?

    public init(_ message: String, hint: String? = nil, parameter: String? = nil, severity: Severity = .error) {
        self.severity = severity
        self.message = message
        self.hint = hint
        self.parameter = parameter
    }
}

extension ArgumentProblem {
    /// The message as a sentence about `parameter` of `function`: a message that starts with
    /// "must" ("must be a whole number ...") gets the argument's name in front.
    func message(for parameter: String, of function: String) -> String {
        message.hasPrefix("must") ? "argument '\(parameter)' of \(function) \(message)" : message
    }
}

/// Checks one argument's value; returns nil when it is fine. A message starting with "must" is
/// prefixed with the argument's name when reported.
public typealias ValueRule = @Sendable (Value) -> ArgumentProblem?

public enum Requirement: Sendable {
    case required
    /// May be left out; the host sees no value for it.
    case optional
    /// May be left out; the host sees this value.
    case defaultValue(Value)
}

/// A built-in's parameter: its label (nil for the positional one), type and value rule.
public struct Parameter: Sendable {
    public var name: String
    public var isPositional: Bool
    public var type: ArenaType
    public var requirement: Requirement
    public var rule: ValueRule?
    public var summary: String

    public init(_ name: String, positional: Bool = false, _ type: ArenaType, _ requirement: Requirement = .optional,
                rule: ValueRule? = nil, summary: String = "") {
        self.name = name
        self.isPositional = positional
        self.type = type
        self.requirement = requirement
        self.rule = rule
        self.summary = summary
    }
}

/// What a built-in is handed: its arguments by parameter name (defaults filled in), the id to
/// give a host object it makes, where it was called and where each given argument's value is.
public struct BuiltinCall: Sendable {
    public var arguments: [String: Value]
    public var objectID: Int
    public var range: SourceRange
    /// Parameter name -> the source range of the value written for it (absent for defaults).
    public var argumentRanges: [String: SourceRange]

    public init(arguments: [String: Value], objectID: Int, range: SourceRange, argumentRanges: [String: SourceRange] = [:]) {
        self.arguments = arguments
        self.objectID = objectID
        self.range = range
        self.argumentRanges = argumentRanges
    }

    public subscript(name: String) -> Value? { arguments[name] }

    /// A host object made by this call; it remembers where the call and its arguments were written.
    public func object(_ typeName: String, _ fields: [String: Value]) -> Value {
        .host(HostObject(id: objectID, typeName: typeName, fields: fields, range: range, argumentRanges: argumentRanges))
    }
}

/// Something a built-in asks the host to record (a run, a comparison), kept in call order.
public struct HostEvent: Sendable, Hashable {
    public var name: String
    public var payload: Value
    public var range: SourceRange
    /// Index of the top-level statement (cell) during which it happened.
    public var cell: Int

    public init(name: String, payload: Value, range: SourceRange = .zero, cell: Int = 0) {
        self.name = name
        self.payload = payload
        self.range = range
        self.cell = cell
    }
}

public struct BuiltinResult: Sendable {
    public var value: Value
    public var events: [HostEvent]

    public init(_ value: Value, events: [HostEvent] = []) {
        self.value = value
        self.events = events
    }
}

/// A function the host makes available to scripts.
public struct BuiltinFunction: Sendable {
    public var name: String
    public var parameters: [Parameter]
    public var returns: ArenaType
    /// Whether the bare name is a value too (`hellaswag` means `hellaswag()`).
    public var usableAsValue: Bool
    public var summary: String
    /// Checks the arguments together (image or command, tp versus gpus).
    public var callRule: (@Sendable ([String: Value]) -> [ArgumentProblem])?
    public var body: @Sendable (BuiltinCall) throws(ArgumentProblem) -> BuiltinResult

    public init(_ name: String, parameters: [Parameter], returns: ArenaType, usableAsValue: Bool = false,
                summary: String = "", callRule: (@Sendable ([String: Value]) -> [ArgumentProblem])? = nil,
                body: @escaping @Sendable (BuiltinCall) throws(ArgumentProblem) -> BuiltinResult) {
        self.name = name
        self.parameters = parameters
        self.returns = returns
        self.usableAsValue = usableAsValue
        self.summary = summary
        self.callRule = callRule
        self.body = body
    }

    public func parameter(named name: String) -> Parameter? { parameters.first { $0.name == name } }
}

/// Which member chains are results that exist only after running: `subject.task.metric` where the
/// subject has the host type `subjectType`, with the metrics each task reports.
public struct ResultSchema: Sendable {
    public var subjectType: String
    public var metrics: [String: [String]]

    public init(subjectType: String, metrics: [String: [String]]) {
        self.subjectType = subjectType
        self.metrics = metrics
    }
}

/// Everything a host registers before scripts are checked or run: its types, functions and
/// result schema. The language itself knows none of them.
public struct HostEnvironment: Sendable {
    public private(set) var functions: [String: BuiltinFunction] = [:]
    public private(set) var typeNames: [String] = []
    public var resultSchema: ResultSchema?

    public init() {}

    public mutating func declareType(_ name: String) {
        if !typeNames.contains(name) { typeNames.append(name) }
    }

    public mutating func register(_ function: BuiltinFunction) {
        functions[function.name] = function
    }

    /// Registered function names in alphabetical order.
    public var functionNames: [String] { functions.keys.sorted() }
}
