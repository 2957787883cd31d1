import Foundation

/// Why a `tokenizer.json` (or its `tokenizer_config.json`) could not be loaded. Every case names
/// the file and the JSON field at fault.
public enum TokenizerError: Error, CustomStringConvertible, Equatable {
    /// The file could not be read or is not JSON; `message` is the underlying error.
    case unreadable(file: String, message: String)
    /// A field has a value of the wrong shape, or a required field is missing.
    case invalidField(file: String, field: String, message: String)
    /// A field names a feature this tokenizer does not implement.
    case unsupported(file: String, field: String, value: String)

    public var description: String {
        switch self {
        case let .unreadable(file, message):
            return "\(file): cannot read tokenizer: \(message)"
        case let .invalidField(file, field, message):
            return "\(file): field '\(field)': \(message)"
        case let .unsupported(file, field, value):
            return "\(file): field '\(field)': unsupported value \(value)"
        }
    }
}

/// Reads fields of one JSON file and turns shape errors into `TokenizerError`s naming the field.
struct TokenizerJSONReader {
    let file: String

    func invalid(_ field: String, _ message: String) -> TokenizerError {
        .invalidField(file: file, field: field, message: message)
    }

    func unsupported(_ field: String, _ value: String) -> TokenizerError {
        .unsupported(file: file, field: field, value: value)
    }

    func object(_ value: JSONValue?, _ field: String) throws -> [String: JSONValue] {
        guard let object = value?.objectValue else { throw invalid(field, "expected an object") }
        return object
    }

    func string(_ value: JSONValue?, _ field: String) throws -> String {
        guard let string = value?.stringValue else { throw invalid(field, "expected a string") }
        return string
    }

    func optionalString(_ value: JSONValue?, _ field: String) throws -> String? {
        guard let value, value != .null else { return nil }
        return try string(value, field)
    }

    func int(_ value: JSONValue?, _ field: String) throws -> Int {
        guard let int = value?.intValue else { throw invalid(field, "expected an integer") }
        return int
    }

    func bool(_ value: JSONValue?, _ field: String, default defaultValue: Bool) throws -> Bool {
        guard let value, value != .null else { return defaultValue }
        guard let bool = value.boolValue else { throw invalid(field, "expected true or false") }
        return bool
    }

    func array(_ value: JSONValue?, _ field: String) throws -> [JSONValue] {
        guard let array = value?.arrayValue else { throw invalid(field, "expected an array") }
        return array
    }

    /// The `type` member of a component object.
    func type(_ object: [String: JSONValue], _ field: String) throws -> String {
        try string(object["type"], field + ".type")
    }

    /// A `{"String": s}` or `{"Regex": r}` pattern object.
    func pattern(_ value: JSONValue?, _ field: String) throws -> (isRegex: Bool, text: String) {
        let object = try object(value, field)
        if let text = object["String"]?.stringValue { return (false, text) }
        if let text = object["Regex"]?.stringValue { return (true, text) }
        throw invalid(field, "expected {\"String\": ...} or {\"Regex\": ...}")
    }
}
