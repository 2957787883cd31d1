/// Typed reads of a document's columns that fail with the task, field and what was found.
struct DocumentFields {
    let task: String
    let doc: JSONValue

    init(_ task: String, _ doc: JSONValue) {
        self.task = task
        self.doc = doc
    }

    func error(_ field: String, _ reason: String) -> TaskDocumentError {
        TaskDocumentError(task: task, field: field, reason: reason)
    }

    func value(_ field: String) throws -> JSONValue {
        guard case let .object(fields) = doc else { throw error(field, "the document is not a JSON object") }
        guard let value = fields[field] else { throw error(field, "missing") }
        return value
    }

    func string(_ field: String) throws -> String {
        guard let text = try value(field).stringValue else { throw error(field, "expected a string") }
        return text
    }

    func strings(_ field: String) throws -> [String] {
        try Self.strings(value(field), field: field, fail: error)
    }

    func int(_ field: String) throws -> Int {
        guard let number = try value(field).intValue else { throw error(field, "expected an integer") }
        return number
    }

    func object(_ field: String) throws -> [String: JSONValue] {
        guard let object = try value(field).objectValue else { throw error(field, "expected an object") }
        return object
    }

    /// A nested column, e.g. `choices.text`.
    func nested(_ field: String, _ key: String) throws -> JSONValue {
        guard let value = try object(field)[key] else { throw error("\(field).\(key)", "missing") }
        return value
    }

    static func strings(_ value: JSONValue, field: String, fail: (String, String) -> TaskDocumentError) throws -> [String] {
        guard let items = value.arrayValue else { throw fail(field, "expected a list of strings") }
        return try items.map { item in
            guard let text = item.stringValue else { throw fail(field, "expected a list of strings") }
            return text
        }
    }

    /// Jinja's `{{ value }}` rendering of a scalar, as Python's `str()` prints it.
    static func render(_ value: JSONValue) -> String {
        switch value {
        case let .string(s): return s
        case let .int(i): return String(i)
        case let .double(d): return PythonFloat.repr(d)
        case let .bool(b): return b ? "True" : "False"
        case .null: return "None"
        case .array, .object: return value.serialized(indent: nil)
        }
    }

    /// The row with extra columns set, as `datasets.map` adds a mapped function's keys.
    func adding(_ columns: [String: JSONValue]) throws -> JSONValue {
        guard case var .object(fields) = doc else { throw error("<row>", "the document is not a JSON object") }
        for (key, value) in columns { fields[key] = value }
        return .object(fields)
    }
}
