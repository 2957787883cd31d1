import Foundation

public enum LockError: Error, CustomStringConvertible, Equatable {
    /// `--offline`: these names are neither pinned in the experiment nor in the existing lockfile.
    case needsNetwork(lockfile: String, items: [String])
    /// A task with neither a known Hub dataset nor a `dataset(...)` override.
    case unknownTaskDataset(task: String)
    /// The experiment file is outside any git repository and `--no-git` was not given.
    case notInRepository(file: String)
    /// `--locked` without a lockfile to compare against.
    case noLockfile(path: String)
    /// `--locked`: re-resolution changes the lockfile; `diff` is unified-style.
    case wouldChange(path: String, diff: String)
    case unreadableExperiment(path: String, reason: String)
    /// Several names failed to resolve; one message each, in plan order.
    case resolutionFailed([String])
    /// `--locked`/`--offline` need the existing lockfile, and it does not parse.
    case unreadableLockfile(String)
    /// `harness: "lm-eval"` but the python that runs it has no lm_eval package.
    case harnessNotInstalled(engine: String, python: String)

    public var description: String {
        switch self {
        case let .needsNetwork(lockfile, items):
            return "--offline: these need the network (not a commit SHA or digest in the experiment, and not pinned in \(lockfile)):\n"
                + items.map { "  - \($0)" }.joined(separator: "\n")
        case let .unknownTaskDataset(task):
            return "task '\(task)': no Hub dataset is known for it (known: \(TaskDatasetTable.knownTasks.joined(separator: ", "))); give it a dataset(...)"
        case let .notInRepository(file):
            return "\(file) is not inside a git repository, so its provenance cannot be recorded; commit it to a repository or pass --no-git"
        case let .noLockfile(path):
            return "--locked: \(path) does not exist; run `arena-script lock` without --locked first"
        case let .wouldChange(path, diff):
            return "--locked: re-resolving would change \(path):\n\(diff)"
        case let .unreadableExperiment(path, reason):
            return "\(path): cannot read the experiment file: \(reason)"
        case let .resolutionFailed(messages):
            return "\(messages.count) names could not be resolved:\n" + messages.map { "  - \($0)" }.joined(separator: "\n")
        case let .unreadableLockfile(message):
            return message
        case let .harnessNotInstalled(engine, python):
            return "engine '\(engine)': harness \"lm-eval\" needs lm-evaluation-harness, which \(python) does not have; "
                + "install it there (pip install \"lm-eval[api]\") or set \(LMEvalInstallation.environmentVariable) to a python that has it"
        }
    }
}
