/// Why a DROP document's answers could not be read.
public struct DropDocumentError: Error, CustomStringConvertible, Equatable {
    public let field: String
    public let reason: String
    public var description: String { "DROP document field '\(field)': \(reason)" }
}

extension DropMetrics {
    /// lm-eval's `get_answers`: `answer` followed by each of `validated_answers`, each through
    /// `parse_answer` (the number if non-empty, else the spans if any, else "day month year"
    /// stripped), without repeats, in first-seen order.
    public static func golds(from doc: JSONValue) throws -> [[String]] {
        guard let answer = doc["answer"] else { throw DropDocumentError(field: "answer", reason: "missing") }
        var candidates = [try parseAnswer(answer, field: "answer")]
        guard let validated = doc["validated_answers"] else {
            throw DropDocumentError(field: "validated_answers", reason: "missing")
        }
        let numbers = try list(validated["number"], field: "validated_answers.number")
        let dates = try list(validated["date"], field: "validated_answers.date")
        let spans = try list(validated["spans"], field: "validated_answers.spans")
        for i in numbers.indices {
            let field = "validated_answers[\(i)]"
            guard i < dates.count, i < spans.count else {
                throw DropDocumentError(field: field, reason: "number, date and spans have different lengths")
            }
            let flattened = JSONValue.object(["number": numbers[i], "date": dates[i], "spans": spans[i]])
            candidates.append(try parseAnswer(flattened, field: field))
        }
        var seen = Set<[CodePointKey]>()
        var answers: [[String]] = []
        for candidate in candidates where seen.insert(candidate.map(CodePointKey.init)).inserted {
            answers.append(candidate)
        }
        return answers
    }

    /// `parse_answer` on one answer struct.
    static func parseAnswer(_ answer: JSONValue, field: String) throws -> [String] {
        let number = try pythonString(answer["number"], field: field + ".number")
        if !number.isEmpty { return [number] }
        let spans = try list(answer["spans"], field: field + ".spans")
        if !spans.isEmpty {
            return try spans.enumerated().map { try pythonString($1, field: "\(field).spans[\($0)]") }
        }
        guard let date = answer["date"], date.objectValue != nil else {
            throw DropDocumentError(field: field + ".date", reason: "missing or not an object")
        }
        let parts = try ["day", "month", "year"].map { try pythonString(date[$0], field: "\(field).date.\($0)") }
        return [PythonText.strip(parts.joined(separator: " "))]
    }

    private static func list(_ value: JSONValue?, field: String) throws -> [JSONValue] {
        guard let items = value?.arrayValue else { throw DropDocumentError(field: field, reason: "missing or not a list") }
        return items
    }

    /// A string field, or a number as Python's `str()` spells it.
    private static func pythonString(_ value: JSONValue?, field: String) throws -> String {
        switch value {
        case let .string(text)?: return text
        case let .int(number)?: return String(number)
        case let .double(number)?: return PythonNumber.str(number)
        default: throw DropDocumentError(field: field, reason: "missing or not a string")
        }
    }
}
