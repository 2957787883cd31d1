import Foundation

/// Scores a task's recorded raw responses again with the current scorer, offline, and compares
/// every sample row and every aggregate with what the bundle records. With the documents
/// re-derived from the pinned data (`documents`), every field of every row is rebuilt (the
/// document, prompts, target, request hashes, filtered answers and metrics); without them (data
/// not reachable offline), the metrics are re-scored from the rows' own documents. Rows are
/// indexed by (document, filter), so a task costs one pass over its rows.
enum ResponseRescorer {
    /// How recorded values must match the re-computation: bit for bit (arena-script's scorer
    /// recorded them), or within `LMEvalDelegation.agreement` (lm-eval computed them).
    enum Precision: Sendable, Equatable {
        case exact, lmEval

        func same(_ recorded: Double, _ computed: Double) -> Bool {
            switch self {
            case .exact: return (recorded.isNaN && computed.isNaN) || recorded.bitPattern == computed.bitPattern
            case .lmEval: return LMEvalDelegation.agrees(recorded, computed)
            }
        }
    }

    struct Result {
        var samples = 0
        var differences: [String] = []
    }

    private struct RowKey: Hashable {
        let doc: Int
        let filter: String
    }

    /// `documents`: the task's prepared documents as `run` built them from the pinned data, or nil.
    static func compare(_ outcome: TaskOutcome, task: TaskDefinition, documents: [PreparedDocument]?, precision: Precision) throws -> Result {
        var result = Result(samples: outcome.samples.count)
        let place = BundleLayout.samples(model: outcome.model, task: outcome.task)
        var rows: [RowKey: JSONValue] = [:]
        var firstRow: [Int: JSONValue] = [:]
        var order: [Int] = []
        for row in outcome.samples {
            guard let id = row["doc_id"]?.intValue else {
                result.differences.append("\(place): a sample without doc_id")
                continue
            }
            let key = RowKey(doc: id, filter: row["filter"]?.stringValue ?? "none")
            if rows[key] != nil { result.differences.append("\(place): doc \(id) filter \(key.filter) is recorded twice") }
            rows[key] = row
            if firstRow[id] == nil { firstRow[id] = row; order.append(id) }
        }
        let prepared: [PreparedDocument]
        if let documents {
            prepared = documents
            let known = Set(documents.map(\.docID))
            for id in order where !known.contains(id) {
                result.differences.append("\(place): doc \(id) is not among the \(documents.count) documents the lockfile's data and settings give")
            }
        } else {
            prepared = order.compactMap { id in
                firstRow[id].map { row in
                    PreparedDocument(docID: id, doc: row["doc"] ?? .null,
                                     context: row["arguments"]?.arrayValue?.first?.arrayValue?.first?.stringValue ?? "", requests: [])
                }
            }
        }
        var rescored: [SampleRecord] = []
        for document in prepared {
            guard let row = firstRow[document.docID] else {
                result.differences.append("\(place): doc \(document.docID) is missing (the pinned data and settings give it)")
                continue
            }
            let responses = try recordedResponses(row, where: place)
            let cut = row[TaskTruncation.sampleField]?.arrayValue.map { $0.compactMap(\.intValue) }
            let records = try DocumentScoring.records(task: task, document: document, responses: responses, truncatedTokens: cut)
            rescored += records
            for record in records {
                guard let recorded = rows[RowKey(doc: record.docID, filter: record.filter)] else {
                    result.differences.append("\(place): doc \(record.docID) filter \(record.filter) is missing")
                    continue
                }
                result.differences += differences(recorded: recorded, rebuilt: record, wholeRow: documents != nil,
                                                   precision: precision, place: place)
            }
        }
        let aggregates = TaskScorer.aggregate(task: task, samples: rescored)
        for key in Set(aggregates.keys).union(outcome.metrics.keys).sorted() {
            let recorded = outcome.metrics[key]
            let now = aggregates[key]?.doubleValue ?? (aggregates[key] == .notAvailable ? .nan : nil)
            let equal: Bool
            switch (recorded, now) {
            case let (r?, n?): equal = precision.same(r, n)
            default: equal = false
            }
            if !equal {
                result.differences.append("\(BundleLayout.results(model: outcome.model)): \(outcome.task) \(key) recorded \(recorded.map(PythonFloat.repr) ?? "nothing"), re-scored \(now.map(PythonFloat.repr) ?? "nothing")")
            }
        }
        return result
    }

    /// A row against the record rebuilt from it: the metric values under `precision`, and with
    /// `wholeRow` every other field exactly.
    static func differences(recorded: JSONValue, rebuilt record: SampleRecord, wholeRow: Bool, precision: Precision, place: String) -> [String] {
        var found: [String] = []
        let at = "\(place): doc \(record.docID) filter \(record.filter)"
        for (metric, value) in record.metrics.sorted(by: { $0.key < $1.key }) {
            let number = recorded[metric]?.doubleValue
            if number.map({ !precision.same($0, value) }) ?? true {
                found.append("\(at) \(metric) recorded \(number.map(PythonFloat.repr) ?? "nothing"), re-scored \(PythonFloat.repr(value))")
            }
        }
        guard wholeRow, let fields = recorded.objectValue, let expected = record.bundleRow.objectValue else { return found }
        for key in Set(fields.keys).union(expected.keys).sorted() where record.metrics[key] == nil && fields[key] != expected[key] {
            found.append("\(at) \(key) recorded \(short(fields[key])), re-derived from the pinned data \(short(expected[key]))")
        }
        return found
    }

    static func short(_ value: JSONValue?) -> String {
        guard let value else { return "nothing" }
        let text = value.serialized(indent: nil)
        return text.count <= 120 ? text : String(text.prefix(117)) + "..."
    }

    /// lm-eval's `resps`: one `[response]` per request, a response `[logprob, is_greedy]` or text.
    static func recordedResponses(_ row: JSONValue, where place: String) throws -> [ModelResponse] {
        guard let resps = row["resps"]?.arrayValue else { throw RescoreError(place: place, reason: "a sample without resps") }
        return try resps.map { entry in
            let response = entry.arrayValue?.first ?? entry
            if let text = response.stringValue { return .generation(text: text) }
            if let pair = response.arrayValue, pair.count == 2, let ll = pair[0].doubleValue, let greedy = pair[1].boolValue {
                return .loglikelihood(logprob: ll, isGreedy: greedy)
            }
            throw RescoreError(place: place, reason: "unreadable response \(response.serialized(indent: nil))")
        }
    }
}

struct RescoreError: Error, CustomStringConvertible {
    let place: String
    let reason: String
    var description: String { "\(place): \(reason)" }
}
