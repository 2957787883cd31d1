/// What the engine answered for one request.
public enum ModelResponse: Sendable, Equatable {
    case loglikelihood(logprob: Double, isGreedy: Bool)
    case generation(text: String)

    /// As lm-eval logs one response: `[ll, is_greedy]` or the text.
    public var json: JSONValue {
        switch self {
        case let .loglikelihood(logprob, isGreedy): return .array([.double(logprob), .bool(isGreedy)])
        case let .generation(text): return .string(text)
        }
    }
}

/// One document under one filter, as lm-eval's `samples_<task>.jsonl` line records it.
public struct SampleRecord: Sendable, Equatable {
    /// Index of the document in the eval split.
    public var docID: Int
    /// The document after `process_docs`.
    public var doc: JSONValue
    /// `doc_to_target(doc)` as lm-eval logs it (an int index or text).
    public var target: JSONValue
    /// The requests sent, in order.
    public var requests: [TaskRequest]
    /// The raw responses, one per request.
    public var responses: [ModelResponse]
    /// The filter pipeline (`none`, `strict-match`, `flexible-extract`).
    public var filter: String
    /// The filtered answer the metrics saw (generation tasks), nil for multiple choice.
    public var filteredResponse: String?
    /// Per-document metric values, by metric name.
    public var metrics: [String: Double]
    /// Per request, the tokens cut from the start of its context to fit the model (0: the model
    /// saw it all); nil when the engine's answers did not say (responses imported or re-scored).
    public var truncatedTokens: [Int]? = nil

    /// The sample as a JSON object in lm-eval's field names.
    public var json: JSONValue {
        var fields: [String: JSONValue] = [
            "doc_id": .int(docID),
            "doc": doc,
            "target": target,
            "arguments": .array(requests.map(\.argumentsJSON)),
            "resps": .array(responses.map { .array([$0.json]) }),
            "filter": .string(filter),
            "metrics": .array(metrics.keys.sorted().map { .string($0) }),
        ]
        if let filteredResponse {
            fields["filtered_resps"] = .array([.string(filteredResponse)])
        } else {
            fields["filtered_resps"] = .array(responses.map(\.json))
        }
        for (name, value) in metrics { fields[name] = .double(value) }
        if let truncatedTokens { fields[TaskTruncation.sampleField] = .array(truncatedTokens.map { .int($0) }) }
        return .object(fields)
    }
}

/// An aggregate as lm-eval reports it: a number, or "N/A" (a stderr over fewer than two samples).
public enum AggregateValue: Sendable, Equatable {
    case value(Double)
    case notAvailable

    public var json: JSONValue {
        switch self {
        case let .value(v): return .double(v)
        case .notAvailable: return .string("N/A")
        }
    }

    public var doubleValue: Double? {
        if case let .value(v) = self { return v }
        return nil
    }
}

/// The scored result of one task.
public struct TaskScore: Sendable, Equatable {
    public var task: String
    public var version: String
    public var nShot: Int
    /// Documents in the eval split, and how many were scored (`--limit`).
    public var originalCount: Int
    public var effectiveCount: Int
    /// Per-document records, document by document, filters in the task's order.
    public var samples: [SampleRecord]
    /// Aggregates keyed as lm-eval keys them: `"acc,none"`, `"acc_stderr,none"`, ...
    public var metrics: [String: AggregateValue]
    /// The engine's window the requests were fitted into; nil when not known (lm-eval delegation).
    public var contextWindow: ContextWindow? = nil

    /// lm-eval's `results[<task>]` row: `alias` plus every aggregate.
    public var resultsJSON: JSONValue {
        var fields: [String: JSONValue] = ["alias": .string(task)]
        for (key, value) in metrics { fields[key] = value.json }
        return .object(fields)
    }
}
