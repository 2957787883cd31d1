import Foundation

/// arc_easy, arc_challenge, hellaswag and mathqa as lm-eval 0.4.13's YAMLs and utils.py define them.
enum MultipleChoiceTasks {
    static func arc(name: String, config: String) -> TaskDefinition {
        TaskDefinition(
            name: name, version: "1.0",
            dataset: TaskDataset(path: "allenai/ai2_arc", config: config, evalSplit: "test", fewshotSplit: "train"),
            outputType: .multipleChoice, description: "", targetDelimiter: " ", fewshotDelimiter: "\n\n",
            defaultFewshot: 0, sampler: .random, fewshotExcludesEvalDoc: false, generation: nil,
            scoring: .multipleChoiceAccNorm, metricNames: ["acc", "acc_norm"], filterNames: ["none"],
            templates: [
                "doc_to_text": "Question: {{question}}\\nAnswer:",
                "doc_to_target": "{{choices.label.index(answerKey)}}",
                "doc_to_choice": "{{choices.text}}",
            ],
            processDoc: { $0 },
            docToText: { doc in
                let fields = DocumentFields(name, doc)
                return "Question: " + DocumentFields.render(try fields.value("question")) + "\nAnswer:"
            },
            docToTarget: { doc in
                let fields = DocumentFields(name, doc)
                let labels = try DocumentFields.strings(fields.nested("choices", "label"), field: "choices.label", fail: fields.error)
                let key = try fields.string("answerKey")
                guard let index = labels.firstIndex(of: key) else {
                    throw fields.error("answerKey", "'\(key)' is not one of the choice labels \(labels)")
                }
                return .index(index)
            },
            docToChoice: { doc in
                let fields = DocumentFields(name, doc)
                return try DocumentFields.strings(fields.nested("choices", "text"), field: "choices.text", fail: fields.error)
            }
        )
    }

    static let hellaswag = TaskDefinition(
        name: "hellaswag", version: "1.0",
        dataset: TaskDataset(path: "Rowan/hellaswag", config: nil, evalSplit: "validation", fewshotSplit: "train"),
        outputType: .multipleChoice, description: "", targetDelimiter: " ", fewshotDelimiter: "\n\n",
        defaultFewshot: 0, sampler: .random, fewshotExcludesEvalDoc: true, generation: nil,
        scoring: .multipleChoiceAccNorm, metricNames: ["acc", "acc_norm"], filterNames: ["none"],
        templates: [
            "process_docs": "query=preprocess(activity_label + ': ' + ctx_a + ' ' + ctx_b.capitalize()); choices=[preprocess(e) for e in endings]; gold=int(label); preprocess: strip, ' [title]'->'. ', re.sub('\\\\[.*?\\\\]', ''), '  '->' '",
            "doc_to_text": "{{query}}",
            "doc_to_target": "{{label}}",
            "doc_to_choice": "choices",
        ],
        processDoc: { doc in
            let fields = DocumentFields("hellaswag", doc)
            let context = try fields.string("ctx_a") + " " + TaskText.capitalize(try fields.string("ctx_b"))
            let query = try hellaswagPreprocess(fields.string("activity_label") + ": " + context)
            let choices = try fields.strings("endings").map(hellaswagPreprocess)
            let labelText = DocumentFields.render(try fields.value("label"))
            guard let gold = Int(TaskText.strip(labelText)) else { throw fields.error("label", "'\(labelText)' is not an integer") }
            return try fields.adding([
                "query": .string(query), "choices": .array(choices.map { .string($0) }), "gold": .int(gold),
            ])
        },
        docToText: { doc in DocumentFields.render(try DocumentFields("hellaswag", doc).value("query")) },
        docToTarget: { doc in
            let label = DocumentFields.render(try DocumentFields("hellaswag", doc).value("label"))
            return TemplateTarget.fromRendered(label, hasChoices: true)
        },
        docToChoice: { doc in try DocumentFields("hellaswag", doc).strings("choices") }
    )

    /// hellaswag's `preprocess`.
    static func hellaswagPreprocess(_ raw: String) throws -> String {
        var text = TaskText.strip(raw)
        text = TaskText.replace(text, " [title]", with: ". ")
        text = removeBracketed(text)
        return TaskText.replace(text, "  ", with: " ")
    }

    /// `re.sub("\\[.*?\\]", "", text)`: each `[` up to the nearest `]` on the same line removed.
    static func removeBracketed(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            if scalars[i] == "[" {
                var j = i + 1
                while j < scalars.count, scalars[j] != "]", scalars[j] != "\n" { j += 1 }
                if j < scalars.count, scalars[j] == "]" {
                    i = j + 1
                    continue
                }
            }
            out.append(scalars[i])
            i += 1
        }
        return String(out)
    }

    static let mathqa = TaskDefinition(
        name: "mathqa", version: "1.0",
        dataset: TaskDataset(path: "regisss/math_qa", config: nil, evalSplit: "test", fewshotSplit: "train"),
        outputType: .multipleChoice, description: "", targetDelimiter: " ", fewshotDelimiter: "\n\n",
        defaultFewshot: 0, sampler: .random, fewshotExcludesEvalDoc: false, generation: nil,
        scoring: .multipleChoiceAccNorm, metricNames: ["acc", "acc_norm"], filterNames: ["none"],
        templates: [
            "doc_to_text": "Question: {{Problem}}\\nAnswer:",
            "doc_to_target": "{{['a', 'b', 'c', 'd', 'e'].index(correct)}}",
            "doc_to_choice": "[c[4:].rstrip(' ,') for c in re.findall(r'[abcd] \\) .*?, |e \\) .*?$', doc['options'])]",
        ],
        processDoc: { $0 },
        docToText: { doc in
            "Question: " + DocumentFields.render(try DocumentFields("mathqa", doc).value("Problem")) + "\nAnswer:"
        },
        docToTarget: { doc in
            let fields = DocumentFields("mathqa", doc)
            let correct = try fields.string("correct")
            guard let index = ["a", "b", "c", "d", "e"].firstIndex(of: correct) else {
                throw fields.error("correct", "'\(correct)' is not one of a, b, c, d, e")
            }
            return .index(index)
        },
        docToChoice: { doc in try mathqaChoices(DocumentFields("mathqa", doc).string("options")) }
    )

    /// `re.findall(r"[abcd] \) .*?, |e \) .*?$", options)`, each match `[4:].rstrip(" ,")`.
    static func mathqaChoices(_ options: String) -> [String] {
        let s = Array(options.unicodeScalars)
        var choices: [String] = []
        var i = 0
        func matchAt(_ start: Int) -> Int? {
            guard start + 3 < s.count, s[start + 1] == " ", s[start + 2] == ")", s[start + 3] == " " else { return nil }
            let letter = s[start]
            var j = start + 4
            if "abcd".unicodeScalars.contains(letter) {
                // Lazy `.*?, `: the first ", " with no newline before it.
                while j + 1 < s.count {
                    if s[j] == "\n" { break }
                    if s[j] == ",", s[j + 1] == " " { return j + 2 }
                    j += 1
                }
            }
            if letter == "e" {
                // Lazy `.*?$`: the first place where `$` holds (end, or before a final newline).
                j = start + 4
                while j <= s.count {
                    if j == s.count || (j == s.count - 1 && s[j] == "\n") { return j }
                    if s[j] == "\n" { return nil }
                    j += 1
                }
            }
            return nil
        }
        while i < s.count {
            if let end = matchAt(i) {
                let match = String(String.UnicodeScalarView(s[i..<end]))
                let tail = String(String.UnicodeScalarView(Array(match.unicodeScalars).dropFirst(4)))
                choices.append(TaskText.rstrip(tail, characters: [" ", ","]))
                i = end > i ? end : i + 1
            } else {
                i += 1
            }
        }
        return choices
    }
}

/// lm-eval's handling of a rendered `doc_to_target` template string.
enum TemplateTarget {
    /// Digits become an int when the task has choices; otherwise the text stays.
    static func fromRendered(_ text: String, hasChoices: Bool) -> TaskTarget {
        if hasChoices, TaskText.isDigit(text), let index = Int(text) { return .index(index) }
        return .text(text)
    }
}
