/// A task name that is neither a task nor a tag.
public struct UnknownTaskError: Error, CustomStringConvertible, Equatable {
    public let name: String
    public var description: String {
        "unknown task '\(name)'; known tasks: \(TaskCatalog.taskNames.joined(separator: ", ")); tags: \(TaskCatalog.tags.keys.sorted().joined(separator: ", "))"
    }
}

/// What the lockfile records about a task definition.
public struct TaskLockEntry: Sendable, Hashable {
    /// lm-eval's metadata version.
    public var version: String
    /// sha256 over the canonical description of the task (see `TaskCatalog.canonicalDescription`).
    public var contentHash: String
    /// Hub dataset id and configuration.
    public var dataset: String
    public var config: String?
    /// The splits the task definition names, eval split first (at 0 shots only the eval split is
    /// read: `TaskDefinition.splitsRead(fewshot:)`).
    public var splits: [String]
}

/// The tasks arena-script knows, by lm-eval's names, and lm-eval's tags over them.
public enum TaskCatalog {
    public static let definitions: [TaskDefinition] = [
        MultipleChoiceTasks.hellaswag,
        MultipleChoiceTasks.arc(name: "arc_easy", config: "ARC-Easy"),
        MultipleChoiceTasks.arc(name: "arc_challenge", config: "ARC-Challenge"),
        MultipleChoiceTasks.mathqa,
        TruthfulQATasks.mc1,
        TruthfulQATasks.mc2,
        TruthfulQATasks.gen,
        GenerationTasks.drop,
        GenerationTasks.gsm8k,
        MMLUTasks.subject("abstract_algebra", title: "abstract algebra"),
        MMLUTasks.subject("college_mathematics", title: "college mathematics"),
    ]

    /// lm-eval tags: a name that stands for several tasks and has no aggregate row of its own.
    public static let tags: [String: [String]] = [
        "truthfulqa": ["truthfulqa_gen", "truthfulqa_mc1", "truthfulqa_mc2"],
        "ai2_arc": ["arc_easy", "arc_challenge"],
    ]

    public static var taskNames: [String] { definitions.map(\.name) }

    public static func task(named name: String) throws -> TaskDefinition {
        guard let task = definitions.first(where: { $0.name == name }) else { throw UnknownTaskError(name: name) }
        return task
    }

    /// The tasks a name stands for: itself, or the members of a tag.
    public static func expand(_ name: String) throws -> [TaskDefinition] {
        if let members = tags[name] { return try members.map(task(named:)) }
        return [try task(named: name)]
    }

    public static func lockEntry(name: String) throws -> TaskLockEntry {
        let task = try task(named: name)
        return TaskLockEntry(
            version: task.version,
            contentHash: contentHash(task),
            dataset: task.dataset.path,
            config: task.dataset.config,
            splits: task.dataset.splits
        )
    }

    public static func contentHash(_ task: TaskDefinition) -> String {
        SHA256.hex(canonicalDescription(task).serialized(indent: nil))
    }

    /// Everything about a task that changes prompts or scores, as canonical JSON: templates,
    /// delimiters, description, splits, few-shot sampling, generation kwargs, filters, metrics.
    public static func canonicalDescription(_ task: TaskDefinition) -> JSONValue {
        var fields: [String: JSONValue] = [
            "task": .string(task.name),
            "version": .string(task.version),
            "dataset_path": .string(task.dataset.path),
            "dataset_name": task.dataset.config.map { .string($0) } ?? .null,
            "eval_split": .string(task.dataset.evalSplit),
            "fewshot_split": task.dataset.fewshotSplit.map { .string($0) } ?? .null,
            "output_type": .string(task.outputType.rawValue),
            "description": .string(task.description),
            "target_delimiter": .string(task.targetDelimiter),
            "fewshot_delimiter": .string(task.fewshotDelimiter),
            "num_fewshot": .int(task.defaultFewshot),
            "num_fewshot_fixed": .bool(task.fewshotFixedAtZero),
            "sampler": .string(task.sampler.rawValue),
            "fewshot_excludes_eval_doc": .bool(task.fewshotExcludesEvalDoc),
            "scoring": .string(task.scoring.rawValue),
            "metrics": .array(task.metricNames.map { .string($0) }),
            "filters": .array(task.filterNames.map { .string($0) }),
            "templates": .object(task.templates.mapValues { .string($0) }),
        ]
        fields["generation_kwargs"] = task.generation?.kwargsJSON ?? .null
        return .object(fields)
    }
}
