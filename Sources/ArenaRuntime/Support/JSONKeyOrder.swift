/// The order of the keys of a data split's rows, which `JSONValue` (whose objects are
/// dictionaries, serialized with sorted keys) does not keep: at each level the keys in the order
/// the data gives them (a JSON file's first appearance of each key, as pyarrow's reader infers a
/// struct's fields; a Parquet or Arrow schema's field order; a CSV header), with the order inside
/// each key's value and inside array elements. The rows of a split share one schema, as an Arrow
/// table's do, so one order describes them all. What lm-eval is handed keeps it
/// (`JSONValue.serialized(indent:keyOrder:)`), so a template that iterates a struct's keys (DROP's
/// `{{ answer|join(',') }}`) renders them as `datasets` would from the original files.
public struct JSONKeyOrder: Sendable, Equatable {
    /// Keys in their order.
    public private(set) var keys: [String] = []
    /// Per key, the order inside its value.
    public private(set) var fields: [String: JSONKeyOrder] = [:]
    private var elementOrder: [JSONKeyOrder] = []

    public init() {}

    /// The order inside the elements of an array value.
    public var elements: JSONKeyOrder? { elementOrder.first }

    /// Notes `key` after the keys seen so far; the order inside its value, to fill in.
    mutating func note(_ key: String) {
        if fields[key] == nil {
            keys.append(key)
            fields[key] = JSONKeyOrder()
        }
    }

    mutating func withField<T>(_ key: String, _ body: (inout JSONKeyOrder) throws -> T) rethrows -> T {
        note(key)
        return try body(&fields[key, default: JSONKeyOrder()])
    }

    mutating func withElements<T>(_ body: (inout JSONKeyOrder) throws -> T) rethrows -> T {
        if elementOrder.isEmpty { elementOrder = [JSONKeyOrder()] }
        return try body(&elementOrder[0])
    }

    /// `other`'s keys after these, the orders inside merged likewise (the next file of a split).
    public mutating func merge(_ other: JSONKeyOrder) {
        for key in other.keys {
            note(key)
            if let inner = other.fields[key] { fields[key]?.merge(inner) }
        }
        if let inner = other.elements { withElements { $0.merge(inner) } }
    }

    /// The keys of an object in this order; keys it does not know follow, sorted by UTF-8 bytes.
    func arranged(_ present: Dictionary<String, JSONValue>.Keys) -> [String] {
        let known = keys.filter { present.contains($0) }
        guard known.count < present.count else { return known }
        let rest = present.filter { fields[$0] == nil }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return known + rest
    }

    /// The order of a CSV header: flat, every value a string.
    static func flat(_ keys: [String]) -> JSONKeyOrder {
        var order = JSONKeyOrder()
        for key in keys { order.note(key) }
        return order
    }
}

/// What notes key order while `JSONParser` reads: `JSONKeyOrder`, or `IgnoredKeyOrder` when the
/// order is not wanted.
protocol KeyOrderNoting {
    mutating func withField<T>(_ key: String, _ body: (inout Self) throws -> T) rethrows -> T
    mutating func withElements<T>(_ body: (inout Self) throws -> T) rethrows -> T
}

extension JSONKeyOrder: KeyOrderNoting {}

/// Notes nothing: the parse of a plain `JSONValue`.
struct IgnoredKeyOrder: KeyOrderNoting {
    mutating func withField<T>(_ key: String, _ body: (inout IgnoredKeyOrder) throws -> T) rethrows -> T { try body(&self) }
    mutating func withElements<T>(_ body: (inout IgnoredKeyOrder) throws -> T) rethrows -> T { try body(&self) }
}
