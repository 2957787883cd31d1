import Foundation
@testable import ArenaRuntime

/// Collects every difference between the native scorer's output and lm-eval's logged samples
/// and results.
struct AgreementComparison {
    var mismatches: [String] = []
    var promptsCompared = 0
    var metricsCompared = 0
    var sentPromptsCompared = 0

    mutating func comparePrompts(_ label: String, prepared: [PreparedDocument], theirs: [JSONValue]) {
        let firstFilter = theirs.first?["filter"]
        let rows = theirs.filter { $0["filter"] == firstFilter }
        if rows.count != prepared.count {
            mismatches.append("\(label): lm-eval scored \(rows.count) documents, native \(prepared.count)")
        }
        for row in rows {
            guard let docID = row["doc_id"]?.intValue, docID < prepared.count else {
                mismatches.append("\(label): lm-eval doc_id \(row["doc_id"]?.serialized(indent: nil) ?? "?") not scored natively")
                continue
            }
            let ours = JSONValue.array(prepared[docID].requests.map(\.argumentsJSON))
            promptsCompared += prepared[docID].requests.count
            if ours != row["arguments"] {
                mismatches.append("\(label) doc \(docID): arguments differ\n  native: \(ours.serialized(indent: nil).prefix(1500))\n  lm-eval: \(row["arguments"]?.serialized(indent: nil).prefix(1500) ?? "none")")
            }
        }
    }

    mutating func compareSamples(_ label: String, ours: [SampleRecord], theirs: [JSONValue]) {
        if ours.count != theirs.count {
            mismatches.append("\(label): \(ours.count) native sample records, lm-eval \(theirs.count)")
        }
        for row in theirs {
            guard let docID = row["doc_id"]?.intValue, let filter = row["filter"]?.stringValue,
                  let record = ours.first(where: { $0.docID == docID && $0.filter == filter }) else {
                mismatches.append("\(label): no native record for lm-eval sample \(row["doc_id"]?.serialized(indent: nil) ?? "?")")
                continue
            }
            let where_ = "\(label) doc \(docID) [\(filter)]"
            let responses = JSONValue.array(record.responses.map { .array([$0.json]) })
            if responses != row["resps"] {
                mismatches.append("\(where_): responses differ\n  native: \(responses.serialized(indent: nil).prefix(800))\n  lm-eval: \(row["resps"]?.serialized(indent: nil).prefix(800) ?? "none")")
            }
            if let filtered = record.filteredResponse, row["filtered_resps"] != .array([.string(filtered)]) {
                mismatches.append("\(where_): filtered answer native \(filtered.debugDescription), lm-eval \(row["filtered_resps"]?.serialized(indent: nil) ?? "none")")
            }
            guard let metrics = row["metrics"]?.objectValue else {
                mismatches.append("\(where_): lm-eval logged no metrics")
                continue
            }
            if Set(metrics.keys) != Set(record.metrics.keys) {
                mismatches.append("\(where_): metric names native \(record.metrics.keys.sorted()), lm-eval \(metrics.keys.sorted())")
            }
            for (name, value) in metrics {
                metricsCompared += 1
                guard let expected = value.doubleValue, let actual = record.metrics[name] else { continue }
                // truthfulqa_mc2 goes through np.exp, whose SIMD kernels may round the last bit
                // differently from libm's exp; everything else must be identical.
                let tolerance = name == "acc" && record.filter == "none" && label.hasSuffix("truthfulqa_mc2") ? 1e-15 : 0
                if !(abs(expected - actual) <= tolerance || (expected.isNaN && actual.isNaN)) {
                    mismatches.append("\(where_): \(name) native \(PythonFloat.repr(actual)), lm-eval \(PythonFloat.repr(expected))")
                }
            }
        }
    }

    mutating func compareAggregates(_ label: String, ours: [String: AggregateValue], theirs: JSONValue) {
        guard let fields = theirs.objectValue else {
            mismatches.append("\(label): lm-eval has no results row")
            return
        }
        let keys = fields.keys.filter { $0.contains(",") }
        if Set(keys) != Set(ours.keys) {
            mismatches.append("\(label): aggregate keys native \(ours.keys.sorted()), lm-eval \(keys.sorted())")
        }
        for key in keys {
            guard let value = fields[key], let mine = ours[key] else { continue }
            metricsCompared += 1
            switch (value, mine) {
            case (.string("N/A"), .notAvailable):
                continue
            case let (expected, .value(actual)):
                guard let expected = expected.doubleValue else {
                    mismatches.append("\(label): \(key) lm-eval \(value.serialized(indent: nil)), native \(PythonFloat.repr(actual))")
                    continue
                }
                if !(abs(expected - actual) <= 1e-9 || (expected.isNaN && actual.isNaN)) {
                    mismatches.append("\(label): \(key) native \(PythonFloat.repr(actual)), lm-eval \(PythonFloat.repr(expected))")
                }
            default:
                mismatches.append("\(label): \(key) lm-eval \(value.serialized(indent: nil)), native \(mine.json.serialized(indent: nil))")
            }
        }
    }

    /// The prompts the stub logged (token ids, echo, max_tokens) for lm-eval and for arena-script
    /// must be the same multiset.
    mutating func compareSentPrompts(_ label: String, ours: [JSONValue], theirs: [JSONValue]) {
        let mine = ours.map { $0.serialized(indent: nil) }.sorted()
        let lmEval = theirs.map { $0.serialized(indent: nil) }.sorted()
        sentPromptsCompared += lmEval.count
        guard mine != lmEval else { return }
        let onlyOurs = Set(mine).subtracting(lmEval), onlyTheirs = Set(lmEval).subtracting(mine)
        mismatches.append("\(label): \(mine.count) prompts sent by arena-script, \(lmEval.count) by lm-eval; "
            + "only arena-script's: \(onlyOurs.sorted().first?.prefix(600) ?? "none"); only lm-eval's: \(onlyTheirs.sorted().first?.prefix(600) ?? "none")")
    }

    /// Each request's full token ids less its recorded `truncatedTokens` must be a prompt lm-eval
    /// sent: the count says exactly what the model did not see. Returns the documents cut.
    mutating func compareTruncation(_ label: String, ours: [SampleRecord], lmEvalSent: Set<String>,
                                    engine: OpenAICompletionsEngine) async throws -> Int {
        var cut = Set<Int>()
        for record in ours where record.filter == ours.first?.filter {
            guard let counts = record.truncatedTokens, counts.count == record.requests.count else {
                mismatches.append("\(label) doc \(record.docID): truncatedTokens \(record.truncatedTokens.map { "\($0)" } ?? "missing") for \(record.requests.count) requests")
                continue
            }
            for (request, dropped) in zip(record.requests, counts) {
                let full: [Int]
                switch request {
                case let .loglikelihood(context, continuation):
                    full = try await ContinuationEncoding.encode(context: context, continuation: continuation) { try await engine.tokenize($0) }.tokens
                case let .generation(context, _):
                    full = try await engine.tokenize(context)
                }
                if dropped > 0 { cut.insert(record.docID) }
                let seen = JSONValue.array(full.dropFirst(dropped).map { .int($0) })
                if dropped < 0 || !lmEvalSent.contains(seen.serialized(indent: nil)) {
                    mismatches.append("\(label) doc \(record.docID): \(full.count) tokens less the \(dropped) recorded as cut is not a prompt lm-eval sent")
                }
            }
        }
        return cut.count
    }
}
