/// `verify`'s check of what the samples say the model saw: where results/<model>.json records a
/// task's truncation, every sample row records `truncated_tokens` (one count per request, none
/// negative), the rows of one document agree, and the documents with a cut request are as many
/// as recorded. A task without a truncation record (lm-eval delegation) must have no such field.
enum TruncationCheck {
    static func differences(_ contents: BundleContents) -> [String] {
        var found: [String] = []
        for outcome in contents.tasks {
            let samples = BundleLayout.samples(model: outcome.model, task: outcome.task)
            let results = BundleLayout.results(model: outcome.model)
            let field = TaskTruncation.sampleField
            guard let recorded = outcome.truncation else {
                if outcome.samples.contains(where: { $0[field] != nil }) {
                    found.append("\(samples): rows record \(field) but \(results) records no truncation for \(outcome.task)")
                }
                continue
            }
            guard let counted = TaskTruncation.truncatedDocuments(in: outcome.samples) else {
                found.append("\(samples): a row without \(field) as one non-negative count per request (\(results) records truncation for \(outcome.task))")
                continue
            }
            var perDocument: [Int: JSONValue] = [:]
            for row in outcome.samples {
                guard let id = row["doc_id"]?.intValue, let counts = row[field] else { continue }
                if let first = perDocument[id], first != counts {
                    found.append("\(samples): doc \(id) records different \(field) under different filters")
                }
                perDocument[id] = perDocument[id] ?? counts
            }
            if counted != recorded.documents {
                found.append("\(results): \(outcome.task) records \(recorded.documents) truncated documents, the samples' \(field) show \(counted)")
            }
        }
        return found
    }
}
