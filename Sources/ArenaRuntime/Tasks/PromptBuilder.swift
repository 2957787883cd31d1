/// One request a document turns into: a loglikelihood pair per choice, or one generation.
public enum TaskRequest: Sendable, Equatable {
    case loglikelihood(context: String, continuation: String)
    case generation(context: String, settings: GenerationSettings)

    /// lm-eval's logged `arguments` for this request.
    public var argumentsJSON: JSONValue {
        switch self {
        case let .loglikelihood(context, continuation):
            return .array([.string(context), .string(continuation)])
        case let .generation(context, settings):
            return .array([.string(context), settings.kwargsJSON])
        }
    }
}

/// lm-eval's `fewshot_context` + `construct_requests` for plain-text (non chat) prompts.
public enum PromptBuilder {
    /// description + Σ (doc_to_text + target_delimiter + answer + fewshot_delimiter) + doc_to_text.
    public static func context(task: TaskDefinition, doc: JSONValue, fewshot: [JSONValue]) throws -> String {
        var prompt = task.description
        for example in fewshot {
            let question = try task.docToText(example)
            let target = try task.docToTarget(example)
            if case .text("") = target {
                // build_qa_turn: an empty answer is no answer; the turn is the question alone.
                prompt += question
                continue
            }
            prompt += question + task.targetDelimiter + (try task.fewshotAnswer(example)) + task.fewshotDelimiter
        }
        return prompt + (try task.docToText(doc))
    }

    /// The requests lm-eval builds for one document with the given context.
    public static func requests(task: TaskDefinition, doc: JSONValue, context: String) throws -> [TaskRequest] {
        switch task.outputType {
        case .multipleChoice:
            guard let docToChoice = task.docToChoice else {
                throw TaskDocumentError(task: task.name, field: "doc_to_choice", reason: "a multiple_choice task needs choices")
            }
            return try docToChoice(doc).map { .loglikelihood(context: context, continuation: task.targetDelimiter + $0) }
        case .generateUntil:
            guard let settings = task.generation else {
                throw TaskDocumentError(task: task.name, field: "generation_kwargs", reason: "a generate_until task needs generation settings")
            }
            return [.generation(context: context, settings: settings)]
        }
    }
}
