import Foundation

/// The documents a task reads: its Hub dataset at the locked commit, or the local files of a
/// `dataset(...)` binding; eval split and few-shot split.
public struct TaskDocumentsLoader: Sendable {
    public var loader: DatasetLoader
    public var experimentDirectory: URL

    public init(loader: DatasetLoader, experimentDirectory: URL) {
        self.loader = loader
        self.experimentDirectory = experimentDirectory
    }

    public func documents(for task: TaskDefinition, selection: TaskSelection, plan: ExperimentPlan,
                          lockfile: Lockfile) throws -> (documents: TaskDocuments, files: [DataFileRecord]) {
        // Only the splits the task reads at this few-shot count (what `check` asks the dataset for).
        let splits = task.splitsRead(fewshot: selection.fewshot)
        var loaded: [String: LoadedSplit] = [:]
        for split in splits {
            loaded[split] = try loader.load(try source(for: task, selection: selection, plan: plan, lockfile: lockfile, split: split), split: split)
        }
        let eval = loaded[task.dataset.evalSplit]?.rows ?? []
        let fewshot = task.dataset.fewshotSplit.flatMap { splits.contains($0) ? loaded[$0]?.rows : nil } ?? []
        let files = loaded.keys.sorted().flatMap { loaded[$0]?.files ?? [] }
        return (TaskDocuments(eval: eval, fewshot: fewshot), files)
    }

    func source(for task: TaskDefinition, selection: TaskSelection, plan: ExperimentPlan, lockfile: Lockfile, split: String) throws -> DatasetSource {
        if let key = selection.dataset, let spec = plan.datasets.first(where: { $0.key == key }) {
            if spec.isLocalPath || !spec.files.isEmpty {
                guard let file = spec.files[split] else {
                    throw TaskDataError.missingSplit(dataset: key, split: split, task: task.name)
                }
                return .local(path: resolvePath(file, against: experimentDirectory).path)
            }
            let sha = lockfile.dataset(key)?.sha ?? spec.revision
            return .hub(id: spec.id, revision: sha, config: spec.config)
        }
        let sha = lockfile.taskDataset(task.dataset.path)?.sha ?? "main"
        return .hub(id: task.dataset.path, revision: sha, config: task.dataset.config)
    }
}

public enum TaskDataError: Error, CustomStringConvertible, Equatable {
    case missingSplit(dataset: String, split: String, task: String)

    public var description: String {
        switch self {
        case let .missingSplit(dataset, split, task):
            return "dataset '\(dataset)' has no '\(split)' file, which task '\(task)' reads (give it as \(split): \"file\")"
        }
    }
}
