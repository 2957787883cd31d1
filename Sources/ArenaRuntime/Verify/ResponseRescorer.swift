import Foundation

/// Scores a bundle's recorded raw responses again with the current scorer, offline, and compares
/// every per-document metric and every aggregate with what the bundle records, exactly.
enum ResponseRescorer {
    struct Result {
        var samples = 0
        var differences: [String] = []
    }

    static func compare(_ contents: BundleContents) throws -> Result {
        var result = Result()
        for outcome in contents.tasks {
            let where_ = "\(BundleLayout.samples(model: outcome.model, task: outcome.task))"
            let task = try TaskCatalog.task(named: outcome.task)
            // One recorded row per (document, filter); the document and its responses are shared.
            var firstRow: [Int: JSONValue] = [:]
            var order: [Int] = []
            for row in outcome.samples {
                guard let id = row["doc_id"]?.intValue else {
                    result.differences.append("\(where_): a sample without doc_id")
                    continue
                }
                if firstRow[id] == nil { firstRow[id] = row; order.append(id) }
            }
            var rescored: [SampleRecord] = []
            for id in order {
                guard let row = firstRow[id] else { continue }
                let document = PreparedDocument(docID: id, doc: row["doc"] ?? .null,
                                                context: row["arguments"]?.arrayValue?.first?.arrayValue?.first?.stringValue ?? "",
                                                requests: [])
                let responses = try recordedResponses(row, where: where_)
                rescored += try DocumentScoring.records(task: task, document: document, responses: responses)
            }
            result.samples += outcome.samples.count
            // Per-document values.
            for record in rescored {
                guard let row = outcome.samples.first(where: { $0["doc_id"]?.intValue == record.docID && ($0["filter"]?.stringValue ?? "none") == record.filter }) else {
                    result.differences.append("\(where_): doc \(record.docID) filter \(record.filter) is missing")
                    continue
                }
                for (metric, value) in record.metrics.sorted(by: { $0.key < $1.key }) {
                    let recorded = row[metric]?.doubleValue
                    if recorded.map({ !same($0, value) }) ?? true {
                        result.differences.append("\(where_): doc \(record.docID) \(metric),\(record.filter) recorded \(recorded.map(PythonFloat.repr) ?? "nothing"), re-scored \(PythonFloat.repr(value))")
                    }
                }
            }
            // Aggregates.
            let aggregates = TaskScorer.aggregate(task: task, samples: rescored)
            for key in Set(aggregates.keys).union(outcome.metrics.keys).sorted() {
                let recorded = outcome.metrics[key]
                let now = aggregates[key]?.doubleValue ?? (aggregates[key] == .notAvailable ? .nan : nil)
                let equal: Bool
                switch (recorded, now) {
                case let (r?, n?): equal = same(r, n)
                default: equal = false
                }
                if !equal {
                    result.differences.append("\(BundleLayout.results(model: outcome.model)): \(outcome.task) \(key) recorded \(recorded.map(PythonFloat.repr) ?? "nothing"), re-scored \(now.map(PythonFloat.repr) ?? "nothing")")
                }
            }
        }
        return result
    }

    /// NaN equals NaN here ("N/A" stays "N/A"); everything else must be bit-identical.
    static func same(_ a: Double, _ b: Double) -> Bool {
        (a.isNaN && b.isNaN) || a.bitPattern == b.bitPattern
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
