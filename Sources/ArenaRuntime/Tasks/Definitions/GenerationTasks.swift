/// gsm8k and drop as lm-eval 0.4.13 defines them.
enum GenerationTasks {
    static let gsm8k = TaskDefinition(
        name: "gsm8k", version: "3.0",
        dataset: TaskDataset(path: "openai/gsm8k", config: "main", evalSplit: "test", fewshotSplit: "train"),
        outputType: .generateUntil, description: "", targetDelimiter: " ", fewshotDelimiter: "\n\n",
        defaultFewshot: 5, sampler: .random, fewshotExcludesEvalDoc: false,
        generation: GenerationSettings(until: ["Question:", "</s>", "<|im_end|>"], maxGenToks: nil, doSample: false, temperature: 0.0),
        scoring: .gsm8kExactMatch, metricNames: ["exact_match"], filterNames: ["strict-match", "flexible-extract"],
        templates: [
            "doc_to_text": "Question: {{question}}\\nAnswer:",
            "doc_to_target": "{{answer}}",
            "filter.strict-match": "regex '#### (\\\\-?[0-9\\\\.\\\\,]+)', take_first",
            "filter.flexible-extract": "regex '(-?[$0-9.,]{2,})|(-?[0-9]+)' group_select -1, take_first",
            "metric.exact_match": "ignore_case=true ignore_punctuation=false regexes_to_ignore=[',', '\\\\$', '(?s).*#### ', '\\\\.$']",
        ],
        processDoc: { $0 },
        docToText: { doc in
            "Question: " + DocumentFields.render(try DocumentFields("gsm8k", doc).value("question")) + "\nAnswer:"
        },
        docToTarget: { doc in .text(DocumentFields.render(try DocumentFields("gsm8k", doc).value("answer"))) },
        docToChoice: nil
    )

    /// The keys of the Hub schema's `answer` struct, in schema order: what jinja's `join` yields
    /// for DROP's few-shot targets.
    static let dropAnswerKeys = ["number", "date", "spans"]

    static let drop = TaskDefinition(
        name: "drop", version: "3.0",
        dataset: TaskDataset(path: "EleutherAI/drop", config: nil, evalSplit: "validation", fewshotSplit: "train"),
        outputType: .generateUntil, description: "", targetDelimiter: "", fewshotDelimiter: "\n\n",
        defaultFewshot: 0, sampler: .random, fewshotExcludesEvalDoc: true,
        generation: GenerationSettings(until: ["."]),
        scoring: .dropEmF1, metricNames: ["em", "f1"], filterNames: ["none"],
        templates: [
            "process_docs": "id=query_id, passage, question, answers=deduplicated parse_answer over [answer] + flattened validated_answers",
            "doc_to_text": "{{passage}} {{question}}",
            "doc_to_target": "{{ answer|join(',')}}",
        ],
        processDoc: { doc in
            let fields = DocumentFields("drop", doc)
            let answers = try dropAnswers(fields)
            return try fields.adding([
                "id": try fields.value("query_id"),
                "answers": .array(answers.map { .array($0.map { .string($0) }) }),
            ])
        },
        docToText: { doc in
            let fields = DocumentFields("drop", doc)
            return DocumentFields.render(try fields.value("passage")) + " " + DocumentFields.render(try fields.value("question"))
        },
        docToTarget: { doc in
            // jinja's join over the raw `answer` struct iterates its keys.
            let answer = try DocumentFields("drop", doc).object("answer")
            let known = dropAnswerKeys.filter { answer[$0] != nil }
            let others = answer.keys.filter { !dropAnswerKeys.contains($0) }.sorted()
            return .text((known + others).joined(separator: ","))
        },
        docToChoice: nil
    )

    /// `get_answers`: `answer` then each validated answer, parsed, duplicates dropped.
    static func dropAnswers(_ fields: DocumentFields) throws -> [[String]] {
        var candidates = [try fields.object("answer")]
        let validated = try fields.object("validated_answers")
        let numbers = try DocumentFields.strings(validated["number"] ?? .array([]), field: "validated_answers.number", fail: fields.error)
        guard let dates = (validated["date"] ?? .array([])).arrayValue,
              let spans = (validated["spans"] ?? .array([])).arrayValue,
              dates.count >= numbers.count, spans.count >= numbers.count else {
            throw fields.error("validated_answers", "number, date and spans must be lists of the same length")
        }
        for i in numbers.indices {
            candidates.append(["number": .string(numbers[i]), "date": dates[i], "spans": spans[i]])
        }
        var answers: [[String]] = []
        for candidate in candidates {
            let parsed = try parseDropAnswer(candidate, fields: fields)
            if !answers.contains(parsed) { answers.append(parsed) }
        }
        return answers
    }

    /// `parse_answer`: the number, else the spans, else "day month year" stripped.
    static func parseDropAnswer(_ answer: [String: JSONValue], fields: DocumentFields) throws -> [String] {
        let number = DocumentFields.render(answer["number"] ?? .string(""))
        if number != "" { return [number] }
        let spans = try DocumentFields.strings(answer["spans"] ?? .array([]), field: "answer.spans", fail: fields.error)
        if !spans.isEmpty { return spans }
        guard let date = answer["date"]?.objectValue else { throw fields.error("answer.date", "expected an object with day, month, year") }
        let parts = ["day", "month", "year"].map { DocumentFields.render(date[$0] ?? .string("")) }
        return [TaskText.strip(parts.joined(separator: " "))]
    }
}

/// mmlu_abstract_algebra and mmlu_college_mathematics as lm-eval 0.4.13 defines them.
enum MMLUTasks {
    static func subject(_ subject: String, title: String) -> TaskDefinition {
        let name = "mmlu_\(subject)"
        return TaskDefinition(
            name: name, version: "1.0",
            dataset: TaskDataset(path: "cais/mmlu", config: subject, evalSplit: "test", fewshotSplit: "dev"),
            outputType: .multipleChoice,
            description: "The following are multiple choice questions (with answers) about \(title).\n\n",
            targetDelimiter: " ", fewshotDelimiter: "\n\n",
            defaultFewshot: 0, sampler: .firstN, fewshotExcludesEvalDoc: false, generation: nil,
            scoring: .multipleChoiceAcc, metricNames: ["acc"], filterNames: ["none"],
            templates: [
                "doc_to_text": "{{question.strip()}}\\nA. {{choices[0]}}\\nB. {{choices[1]}}\\nC. {{choices[2]}}\\nD. {{choices[3]}}\\nAnswer:",
                "doc_to_target": "answer",
                "doc_to_choice": "[\"A\", \"B\", \"C\", \"D\"]",
            ],
            processDoc: { $0 },
            docToText: { doc in
                let fields = DocumentFields(name, doc)
                guard let choices = try fields.value("choices").arrayValue, choices.count >= 4 else {
                    throw fields.error("choices", "expected a list of four choices")
                }
                var text = TaskText.strip(try fields.string("question"))
                for (letter, choice) in zip(["A", "B", "C", "D"], choices) {
                    text += "\n\(letter). " + DocumentFields.render(choice)
                }
                return text + "\nAnswer:"
            },
            docToTarget: { doc in .index(try DocumentFields(name, doc).int("answer")) },
            docToChoice: { _ in ["A", "B", "C", "D"] }
        )
    }
}
