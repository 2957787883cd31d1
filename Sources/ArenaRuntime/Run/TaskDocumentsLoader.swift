import Foundation

/// The documents a task reads: its Hub dataset at the locked commit, or the local files of a
/// `dataset(...)` binding; eval split and few-shot split.
public struct TaskDocumentsLoader: Sendable {
    public var loader: DatasetLoader
    public var experimentDirectory: URL
    /// Local data paths are recorded relative to this folder (the one holding `lockfiles/`).
    public var root: URL

    public init(loader: DatasetLoader, experimentDirectory: URL, root: URL? = nil) {
        self.loader = loader
        self.experimentDirectory = experimentDirectory
        self.root = root ?? experimentDirectory
    }

    /// The task's documents, every file read (local paths relative to `root`), and where the
    /// documents came from.
    public func documents(for task: TaskDefinition, selection: TaskSelection, plan: ExperimentPlan,
                          lockfile: Lockfile) throws -> (documents: TaskDocuments, files: [DataFileRecord], origin: TaskDataOrigin) {
        // Only the splits the task reads at this few-shot count (what `check` asks the dataset for).
        let splits = task.splitsRead(fewshot: selection.fewshot)
        var loaded: [String: LoadedSplit] = [:]
        var sources: [String: DatasetSource] = [:]
        for split in splits {
            let source = try source(for: task, selection: selection, plan: plan, lockfile: lockfile, split: split)
            sources[split] = source
            loaded[split] = try loader.load(source, split: split)
        }
        let eval = loaded[task.dataset.evalSplit]?.rows ?? []
        let fewshot = task.dataset.fewshotSplit.flatMap { splits.contains($0) ? loaded[$0]?.rows : nil } ?? []
        let origin = TaskDataOrigin.of(sources, files: loaded.mapValues(\.files), root: root)
        let files = loaded.keys.sorted().flatMap { loaded[$0]?.files ?? [] }.map { $0.relative(to: root) }
        var keyOrder = loaded[task.dataset.evalSplit]?.keyOrder ?? JSONKeyOrder()
        for split in splits.sorted() where split != task.dataset.evalSplit { keyOrder.merge(loaded[split]?.keyOrder ?? JSONKeyOrder()) }
        return (TaskDocuments(eval: eval, fewshot: fewshot, keyOrder: keyOrder), files, origin)
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
