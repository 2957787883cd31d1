/// How many of a task's documents were longer than the model's context and lost tokens from the
/// left, and the window they were fitted into. The bundle records it in `results/<model>.json`
/// (`truncation.<task>`), each sample row records `truncated_tokens`, `run` prints `warning`, the
/// report shows it under the run, and `verify` checks the rows against the count.
public struct TaskTruncation: Sendable, Equatable {
    /// The samples' field: one count per request, the tokens cut from the start of its context.
    public static let sampleField = "truncated_tokens"

    /// Documents with at least one request cut.
    public var documents: Int
    public var window: ContextWindow

    public init(documents: Int, window: ContextWindow) {
        self.documents = documents
        self.window = window
    }

    /// The entry under `truncation.<task>` in results/<model>.json.
    public var json: JSONValue {
        .object(["truncated_documents": .int(documents), "max_length": .int(window.maxLength), "rule": .string(window.rule.rawValue)])
    }

    /// Reads `json` back; nil for anything else.
    public init?(json: JSONValue?) {
        guard let json, let documents = json["truncated_documents"]?.intValue, let maxLength = json["max_length"]?.intValue,
              let rule = json["rule"]?.stringValue.flatMap(ContextWindow.Rule.init(rawValue:)) else { return nil }
        self.init(documents: documents, window: ContextWindow(maxLength: maxLength, rule: rule))
    }

    /// Documents of sample rows (lm-eval's samples schema plus `truncated_tokens`) with a request
    /// cut; nil when a row does not record `truncated_tokens` as one count per argument.
    public static func truncatedDocuments(in samples: [JSONValue]) -> Int? {
        var documents = Set<Int>()
        for row in samples {
            guard let id = row["doc_id"]?.intValue, let counts = row[sampleField]?.arrayValue?.compactMap(\.intValue),
                  counts.count == row[sampleField]?.arrayValue?.count, counts.count == row["arguments"]?.arrayValue?.count,
                  counts.allSatisfy({ $0 >= 0 }) else { return nil }
            if counts.contains(where: { $0 > 0 }) { documents.insert(id) }
        }
        return documents.count
    }

    /// What `run` prints and the report shows; nil when no document was cut.
    public func warning(model: String, task: String, of total: Int) -> String? {
        guard documents > 0 else { return nil }
        return "[\(model)] \(task): \(documents) of \(total) documents are longer than the model's context and were cut from the left "
            + "to fit \(window.description); each sample's \(Self.sampleField) counts the tokens the model did not see"
    }
}
