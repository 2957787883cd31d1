/// The Hub dataset (repository id and config) each task reads, as the task catalog defines it
/// (each lm-eval 0.4.13 task YAML's `dataset_path` / `dataset_name`).
public enum TaskDatasetTable {
    public struct Entry: Sendable, Equatable {
        public var id: String
        public var config: String?
    }

    public static func entry(for task: String) -> Entry? {
        (try? TaskCatalog.task(named: task)).map { Entry(id: $0.dataset.path, config: $0.dataset.config) }
    }

    public static var knownTasks: [String] { TaskCatalog.taskNames }
}

/// Returns nil for a task the catalog does not describe (its version is then not recorded).
public typealias TaskLockCatalog = @Sendable (_ name: String) throws -> TaskLockEntry?
