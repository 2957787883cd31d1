/// Per-document metrics: lm-eval's `process_results` for each scoring rule, and the filters.
enum DocumentScoring {
    /// gsm8k's `regexes_to_ignore`, compiled once.
    static let gsm8kRegexes = Result { try ExactMatch.gsm8kRegexesToIgnore.map { try PythonRegex($0) } }

    static func records(task: TaskDefinition, document: PreparedDocument, responses: [ModelResponse],
                        truncatedTokens: [Int]? = nil) throws -> [SampleRecord] {
        let target = try task.docToTarget(document.doc)
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
        switch task.scoring {
        case .multipleChoiceAccNorm, .multipleChoiceAcc, .truthfulQAMC2:
            let logprobs = try responses.map { response -> Double in
                guard case let .loglikelihood(logprob, _) = response else {
                    throw ScoringError(task: task.name, reason: "a multiple_choice request got a generation back")
                }
                return logprob
            }
            if task.scoring == .truthfulQAMC2 {
                let labels = try TruthfulQATasks.mc2Labels(document.doc)
                guard labels.count == logprobs.count else {
                    throw ScoringError(task: task.name, reason: "doc \(document.docID): \(labels.count) labels for \(logprobs.count) choices")
                }
                return [record("none", nil, ["acc": MultipleChoiceScoring.mc2(logprobs: logprobs, labels: labels)])]
            }
            guard let docToChoice = task.docToChoice else {
                throw ScoringError(task: task.name, reason: "a multiple_choice task needs choices")
            }
            let (acc, accNorm) = MultipleChoiceScoring.accuracy(logprobs: logprobs, choices: try docToChoice(document.doc), target: target)
            var values = ["acc": acc]
            if task.scoring == .multipleChoiceAccNorm { values["acc_norm"] = accNorm }
            return [record("none", nil, values)]
        case .gsm8kExactMatch, .dropEmF1, .truthfulQAGen:
            guard responses.count == 1, case let .generation(text) = responses[0] else {
                throw ScoringError(task: task.name, reason: "a generate_until document needs exactly one generation")
            }
            let fields = DocumentFields(task.name, document.doc)
            switch task.scoring {
            case .gsm8kExactMatch:
                let reference = try fields.string("answer")
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
            case .dropEmF1:
                guard let answers = try fields.value("answers").arrayValue else { throw fields.error("answers", "expected a list of answers") }
                let golds = try answers.map { try DocumentFields.strings($0, field: "answers", fail: fields.error) }
                let (em, f1) = DropMetrics.score(prediction: text, golds: golds)
                return [record("none", text, ["em": em, "f1": f1])]
            default:
                let scores = try TruthfulQAGenMetrics.score(
                    completion: text, correct: try fields.strings("correct_answers"), incorrect: try fields.strings("incorrect_answers"))
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
}
