/// A value while interpreting. Closed: the host's data travels as named host objects whose fields
/// are themselves values, never as opaque references.
public enum Value: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case number(Double)
    case bool(Bool)
    case list([Value])
    case record([String: Value])
    case host(HostObject)
    case void

    public var description: String {
        switch self {
        case .string(let s): "\"\(s)\""
        case .number(let n): Self.format(n)
        case .bool(let b): b ? "true" : "false"
        case .list(let xs): "[" + xs.map(\.description).joined(separator: ", ") + "]"
        case .record(let r):
            r.isEmpty ? "[:]" : "[" + r.keys.sorted().map { "\($0): \(r[$0]?.description ?? "")" }.joined(separator: ", ") + "]"
        case .host(let o): "\(o.typeName)#\(o.id)"
        case .void: "nothing"
        }
    }

    /// How a value reads inside an interpolated string: strings as they are, whole numbers
    /// without a fraction, other numbers in their shortest round-trip form.
    public var interpolated: String {
        switch self {
        case .string(let s): s
        default: description
        }
    }

    public static func format(_ n: Double) -> String {
        if n.rounded() == n, abs(n) < 1e15 { return String(Int64(n)) }
        return "\(n)"
    }

    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    public var numberValue: Double? { if case .number(let n) = self { n } else { nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var listValue: [Value]? { if case .list(let xs) = self { xs } else { nil } }
    public var hostValue: HostObject? { if case .host(let o) = self { o } else { nil } }

    /// The number as an `Int` when it is whole and fits.
    public var integerValue: Int? {
        guard case .number(let n) = self, n.rounded() == n, abs(n) < 9e15 else { return nil }
        return Int(n)
    }
}

/// A value the host made, such as a model or an engine: its declared type name, a unique id
/// (creation order), its fields, and where the call that made it and each of its arguments were
/// written (for the host's own diagnostics; not part of the value's identity).
public struct HostObject: Sendable, Hashable {
    public var id: Int
    public var typeName: String
    public var fields: [String: Value]
    public var range: SourceRange
    /// Parameter name -> the source range of the argument's value, for arguments written out.
    public var argumentRanges: [String: SourceRange]

    public init(id: Int, typeName: String, fields: [String: Value], range: SourceRange = .zero, argumentRanges: [String: SourceRange] = [:]) {
        self.id = id
        self.typeName = typeName
        self.fields = fields
        self.range = range
        self.argumentRanges = argumentRanges
    }

    public subscript(field: String) -> Value? { fields[field] }

    /// Where the argument for `parameter` was written, else the whole call.
    public func range(of parameter: String) -> SourceRange { argumentRanges[parameter] ?? range }

    public static func == (a: HostObject, b: HostObject) -> Bool {
        a.id == b.id && a.typeName == b.typeName && a.fields == b.fields
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(typeName)
        hasher.combine(fields)
    }
}
