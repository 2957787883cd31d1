/// Per-document metrics: lm-eval's `process_results` for each scoring rule, and the filters.
enum DocumentScoring {
    /// gsm8k's `regexes_to_ignore`, compiled once.
    static let gsm8kRegexes = Result { try ExactMatch.gsm8kRegexesToIgnore.map { try PythonRegex($0) } }

    /// What a document is scored against: read from the document alone, so `prepare` (and
    /// `check`, through `TaskScorer.checkDocuments`) finds a row without it before any request.
    enum Reference {
        case choices([String])
        case mc2Labels([Int])
        case gsm8kAnswer(String)
        case dropGolds([[String]])
        case truthfulQAReferences(correct: [String], incorrect: [String])
    }

    /// The target and the reference a processed document is scored against.
    static func reference(task: TaskDefinition, doc: JSONValue) throws -> (target: TaskTarget, reference: Reference) {
        let target = try task.docToTarget(doc)
        let fields = DocumentFields(task.name, doc)
        switch task.scoring {
        case .truthfulQAMC2:
            return (target, .mc2Labels(try TruthfulQATasks.mc2Labels(doc)))
        case .multipleChoiceAccNorm, .multipleChoiceAcc:
            guard let docToChoice = task.docToChoice else {
                throw ScoringError(task: task.name, reason: "a multiple_choice task needs choices")
            }
            return (target, .choices(try docToChoice(doc)))
        case .gsm8kExactMatch:
            return (target, .gsm8kAnswer(try fields.string("answer")))
        case .dropEmF1:
            guard let answers = try fields.value("answers").arrayValue else { throw fields.error("answers", "expected a list of answers") }
            return (target, .dropGolds(try answers.map { try DocumentFields.strings($0, field: "answers", fail: fields.error) }))
        case .truthfulQAGen:
            return (target, .truthfulQAReferences(correct: try fields.strings("correct_answers"), incorrect: try fields.strings("incorrect_answers")))
        }
    }

    static func records(task: TaskDefinition, document: PreparedDocument, responses: [ModelResponse],
                        truncatedTokens: [Int]? = nil) throws -> [SampleRecord] {
        let (target, reference) = try Self.reference(task: task, doc: document.doc)
        let targetJSON: JSONValue
        switch target {
        case let .index(i): targetJSON = .int(i)
        case let .text(text): targetJSON = .string(text)
        }
        func record(_ filter: String, _ filtered: String?, _ values: [String: Double]) -> SampleRecord {
            SampleRecord(docID: document.docID, doc: document.doc, target: targetJSON, requests: document.requests,
                         responses: responses, filter: filter, filteredResponse: filtered, metrics: values,
                         truncatedTokens: truncatedTokens)
        }
        func logprobs() throws -> [Double] {
            try responses.map { response -> Double in
                guard case let .loglikelihood(logprob, _) = response else {
                    throw ScoringError(task: task.name, reason: "a multiple_choice request got a generation back")
                }
                return logprob
            }
        }
        func generated() throws -> String {
            guard responses.count == 1, case let .generation(text) = responses[0] else {
                throw ScoringError(task: task.name, reason: "a generate_until document needs exactly one generation")
            }
            return text
        }
        switch reference {
        case let .mc2Labels(labels):
            let logprobs = try logprobs()
            guard labels.count == logprobs.count else {
                throw ScoringError(task: task.name, reason: "doc \(document.docID): \(labels.count) labels for \(logprobs.count) choices")
            }
            return [record("none", nil, ["acc": MultipleChoiceScoring.mc2(logprobs: logprobs, labels: labels)])]
        case let .choices(choices):
            let (acc, accNorm) = MultipleChoiceScoring.accuracy(logprobs: try logprobs(), choices: choices, target: target)
            var values = ["acc": acc]
            if task.scoring == .multipleChoiceAccNorm { values["acc_norm"] = accNorm }
            return [record("none", nil, values)]
        case let .gsm8kAnswer(reference):
            let text = try generated()
            let regexes = try gsm8kRegexes.get()
            func exactMatch(_ prediction: String) -> Double {
                ExactMatch.score(prediction: prediction, reference: reference, ignoreCase: true,
                                 ignorePunctuation: false, compiledRegexes: regexes)
            }
            let strict = GSM8KFilter.strictMatch(text)
            let flexible = GSM8KFilter.flexibleExtract(text)
            return [
                record("strict-match", strict, ["exact_match": exactMatch(strict)]),
                record("flexible-extract", flexible, ["exact_match": exactMatch(flexible)]),
            ]
        case let .dropGolds(golds):
            let text = try generated()
            let (em, f1) = DropMetrics.score(prediction: text, golds: golds)
            return [record("none", text, ["em": em, "f1": f1])]
        case let .truthfulQAReferences(correct, incorrect):
            let text = try generated()
            let scores = try TruthfulQAGenMetrics.score(completion: text, correct: correct, incorrect: incorrect)
            var values: [String: Double] = [:]
            for name in task.metricNames {
                guard let value = scores[name] else {
                    throw ScoringError(task: task.name, reason: "the truthfulqa_gen metrics returned no '\(name)'")
                }
                values[name] = value
            }
            return [record("none", text, values)]
        }
    }
}
