import ArenaScript
import Foundation

/// What must be the same for two runs of one task to be compared document by document: the
/// few-shot count, the document limit, the seed, the generation settings, the data and the task's
/// definition. `compare(...)`, `expect ... with confidence` and `diff` refuse a pair whose settings
/// differ unless asked to allow it (docs/statistics.md).
public struct TaskRunSettings: Sendable, Equatable {
    public var task: String
    public var fewshot: Int
    /// Documents scored at most; nil is the whole split.
    public var limit: Int?
    public var seed: Int
    /// Generation overrides of the experiment (the task's own settings are part of its definition).
    public var generation: [String: Double]
    /// Split -> what identifies its data: a file's sha256 or a Hub dataset at a commit (from a
    /// lockfile), or the file or Hub dataset the plan names (at check time). The few-shot split
    /// is left out when no examples are drawn from it.
    public var data: [String: String]
    /// The task definition's version and prompt-template hash, where recorded.
    public var definition: [String: String]

    public init(task: String, fewshot: Int, limit: Int?, seed: Int, generation: [String: Double] = [:],
                data: [String: String] = [:], definition: [String: String] = [:]) {
        self.task = task
        self.fewshot = fewshot
        self.limit = limit
        self.seed = seed
        self.generation = generation
        self.data = fewshot == 0 ? data.filter { $0.key != Self.fewshotSplit(of: task) } : data
        self.definition = definition
    }

    static func fewshotSplit(of task: String) -> String? {
        (try? TaskCatalog.task(named: task)).flatMap { $0.dataset.fewshotSplit }
    }

    /// Every setting that differs, as "few-shot 0 vs 3" (this one first), in a fixed order.
    public func differences(from other: TaskRunSettings) -> [String] {
        var out: [String] = []
        if fewshot != other.fewshot { out.append("few-shot \(fewshot) vs \(other.fewshot)") }
        if limit != other.limit { out.append("limit \(Self.text(limit)) vs \(Self.text(other.limit))") }
        if seed != other.seed { out.append("seed \(seed) vs \(other.seed)") }
        for key in Set(generation.keys).union(other.generation.keys).sorted() where generation[key] != other.generation[key] {
            out.append("generation \(key) \(Self.text(generation[key])) vs \(Self.text(other.generation[key]))")
        }
        for split in Set(data.keys).union(other.data.keys).sorted() where data[split] != other.data[split] {
            out.append("\(split) data \(data[split] ?? "none") vs \(other.data[split] ?? "none")")
        }
        for key in Set(definition.keys).union(other.definition.keys).sorted() where definition[key] != other.definition[key] {
            out.append("task \(key) \(definition[key] ?? "unrecorded") vs \(other.definition[key] ?? "unrecorded")")
        }
        return out
    }

    static func text(_ limit: Int?) -> String { limit.map(String.init) ?? "none (whole split)" }
    static func text(_ value: Double?) -> String { value.map(Value.format) ?? "the task's default" }
}

extension TaskRunSettings {
    /// The settings a plan gives a model's run of a task, at check time: data named by the file or
    /// Hub dataset the experiment writes. nil when the model is not planned on the task.
    public static func planned(_ plan: ExperimentPlan, model: String, task: String) -> TaskRunSettings? {
        guard let selection = plan.runs.filter({ $0.model == model }).flatMap(\.tasks).first(where: { $0.name == task }) else { return nil }
        let definition = try? TaskCatalog.task(named: task)
        var data: [String: String] = [:]
        if let key = selection.dataset, let spec = plan.datasets.first(where: { $0.key == key }) {
            if spec.isLocalPath {
                for (split, file) in spec.files { data[split] = "file \(file)" }
            } else {
                data["dataset"] = "\(spec.id)@\(spec.revision)" + (spec.config.map { " (\($0))" } ?? "")
            }
        } else if let definition {
            data["dataset"] = definition.dataset.path + (definition.dataset.config.map { " (\($0))" } ?? "")
        }
        return TaskRunSettings(task: task, fewshot: selection.fewshot ?? definition?.defaultFewshot ?? 0,
                               limit: selection.limit ?? plan.limit, seed: plan.seed, generation: selection.generation, data: data)
    }

    /// The settings a bundle recorded for one model's run of a task: from its lockfile (limit,
    /// seed, generation, data by sha256, task version and prompt hash) and its results (the
    /// few-shot count used). nil when the lockfile has no run of that model on that task.
    public static func recorded(_ lockfile: Lockfile, outcome: TaskOutcome) -> TaskRunSettings? {
        guard let selection = lockfile.runs.filter({ $0.model == outcome.model }).flatMap(\.tasks)
            .first(where: { $0.name == outcome.task }) else { return nil }
        let task = lockfile.task(outcome.task)
        var data: [String: String] = [:]
        if let key = selection.dataset, let dataset = lockfile.dataset(key) {
            if dataset.source == .local {
                for (split, sha) in dataset.fileHashes { data[split] = "sha256:\(sha)" }
            } else {
                data["dataset"] = "\(dataset.id)@\(dataset.sha)" + (dataset.config.map { " (\($0))" } ?? "")
            }
        } else if let id = task?.dataset {
            data["dataset"] = "\(id)@\(lockfile.taskDataset(id)?.sha ?? "unpinned")" + (task?.datasetConfig.map { " (\($0))" } ?? "")
        }
        var definition: [String: String] = [:]
        if let version = task?.version { definition["version"] = version }
        if let hash = task?.promptHash { definition["prompt hash"] = hash }
        return TaskRunSettings(task: outcome.task, fewshot: outcome.nShot, limit: selection.limit ?? lockfile.experiment.limit,
                               seed: lockfile.experiment.seed, generation: selection.generation, data: data, definition: definition)
    }
}
