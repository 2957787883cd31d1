/// The types the checker knows. Host types (`Model`, `Engine`, `Task`, ...) are names the host
/// declares; the language attaches no meaning to them beyond identity and declared members.
public indirect enum ArenaType: Sendable, Hashable, CustomStringConvertible {
    case string
    case number
    case bool
    /// What a call that only records something (like `evaluate`) gives back.
    case void
    case list(ArenaType)
    /// A record `[key: value, ...]` whose values all have the given type.
    case record(ArenaType)
    case host(String)
    /// `model.task`: the results a host subject will have on one task; only inside `expect`.
    case taskResults(subject: String, task: String)
    /// A parameter that takes any one of several types.
    case oneOf([ArenaType])
    /// Unknown: after an error (so one mistake is reported once), or an empty list's element.
    case any

    public var description: String {
        switch self {
        case .string: "String"
        case .number: "Number"
        case .bool: "Bool"
        case .void: "nothing"
        case .list(let t): "[\(t)]"
        case .record(let t): "[String: \(t)]"
        case .host(let name): name
        case .taskResults(let subject, let task): "\(subject) results on \(task)"
        case .oneOf(let ts): ts.map(\.description).joined(separator: " or ")
        case .any: "any value"
        }
    }

    /// Whether a value of type `actual` may be passed where `self` is expected.
    public func accepts(_ actual: ArenaType) -> Bool {
        switch (self, actual) {
        case (.any, _), (_, .any): true
        case (.oneOf(let options), _): options.contains { $0.accepts(actual) }
        case (.list(let e), .list(let a)): e.accepts(a)
        case (.record(let e), .record(let a)): e.accepts(a)
        default: self == actual
        }
    }

    /// The one type shared by all of `types` (ignoring `.any`), or nil when they differ.
    static func common(_ types: [ArenaType]) -> ArenaType? {
        var result: ArenaType = .any
        for t in types {
            if result == .any { result = t; continue }
            if t == .any || t == result { continue }
            if case .list(let a) = result, case .list(let b) = t, let c = common([a, b]) { result = .list(c); continue }
            if case .record(let a) = result, case .record(let b) = t, let c = common([a, b]) { result = .record(c); continue }
            return nil
        }
        return result
    }
}
