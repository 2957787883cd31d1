import Foundation

/// Everything that can change an experiment's numbers, pinned: what `lock` writes and what
/// `verify` and `run` read back. Pure data; `LockfileFormat` turns it into text and back.
public struct Lockfile: Sendable, Equatable {
    /// The version of the text format described in docs/lockfile.md.
    public static let currentFormat = 1

    public var format: Int
    /// `ToolVersion.current` of the tool that wrote the file.
    public var toolVersion: String
    public var experiment: LockedExperiment
    /// Where the lock was made; nil when locked with `--no-git`.
    public var git: GitProvenance?
    public var models: [LockedModel]
    public var engines: [LockedEngine]
    /// Hub datasets behind the tasks, one per repository, sorted by id.
    public var taskDatasets: [LockedHubDataset]
    /// `dataset(...)` bindings in plan order.
    public var datasets: [LockedDataset]
    /// Tasks used by any run, sorted by name.
    public var tasks: [LockedTask]
    public var runs: [LockedRun]

    public init(format: Int = Lockfile.currentFormat, toolVersion: String = ToolVersion.current,
                experiment: LockedExperiment, git: GitProvenance?, models: [LockedModel] = [],
                engines: [LockedEngine] = [], taskDatasets: [LockedHubDataset] = [], datasets: [LockedDataset] = [],
                tasks: [LockedTask] = [], runs: [LockedRun] = []) {
        self.format = format
        self.toolVersion = toolVersion
        self.experiment = experiment
        self.git = git
        self.models = models
        self.engines = engines
        self.taskDatasets = taskDatasets
        self.datasets = datasets
        self.tasks = tasks
        self.runs = runs
    }
}

public struct LockedExperiment: Sendable, Equatable {
    public var name: String
    /// The experiment file, relative to the directory that holds `lockfiles/`.
    public var file: String
    public var sha256: String
    public var seed: Int
    public var limit: Int?
    public var tolerance: Tolerance?

    public init(name: String, file: String, sha256: String, seed: Int, limit: Int? = nil, tolerance: Tolerance? = nil) {
        self.name = name
        self.file = file
        self.sha256 = sha256
        self.seed = seed
        self.limit = limit
        self.tolerance = tolerance
    }
}

/// The state of the git repository holding the experiment when it was locked.
public struct GitProvenance: Sendable, Equatable {
    /// HEAD commit; nil in a repository without commits.
    public var head: String?
    /// Checked-out branch; nil when HEAD is detached.
    public var branch: String?
    public var detached: Bool
    /// `origin`, else the first remote by name; nil without remotes.
    public var remoteName: String?
    /// The remote's URL without user name or password.
    public var remoteURL: String?
    /// The experiment's own paths (the experiment file, its local data files, its local model
    /// folders and files inside the repository) that are changed, staged, deleted or untracked;
    /// relative to the repository root, sorted bytewise.
    public var dirtyPaths: [String]
    /// How many other paths of the repository are changed, staged, deleted or untracked (the
    /// lockfile and `results/` left out): whether anything else is dirty, without naming it.
    public var otherDirtyCount: Int

    /// Whether any of the experiment's own paths differs from HEAD.
    public var dirty: Bool { !dirtyPaths.isEmpty }

    public init(head: String?, branch: String?, detached: Bool, remoteName: String?, remoteURL: String?, dirtyPaths: [String],
                otherDirtyCount: Int = 0) {
        self.head = head
        self.branch = branch
        self.detached = detached
        self.remoteName = remoteName
        self.remoteURL = remoteURL
        self.dirtyPaths = dirtyPaths
        self.otherDirtyCount = otherDirtyCount
    }
}

public enum PinSource: String, Sendable, Equatable {
    /// A Hugging Face Hub repository; the pin is a commit SHA.
    case hub
    /// A local folder or file; the pin is a sha256 of its content.
    case local
}

public struct LockedModel: Sendable, Equatable {
    public var key: String
    public var id: String
    /// The revision as written in the experiment.
    public var revision: String
    public var source: PinSource
    /// Hub commit SHA (40 hex) or, for a local model, the content hash (64 hex).
    public var sha: String
    /// A GGUF file's architecture, quantization and tensor types (`model.<key>.gguf.*`), read
    /// from its header when the model is one.
    public var gguf: GGUFModelFacts?
    /// `file:` of a Hub model and the sha256 the Hub lists for it at `sha` (its LFS object id).
    public var file: String?
    public var fileSHA256: String?

    public init(key: String, id: String, revision: String, source: PinSource, sha: String, gguf: GGUFModelFacts? = nil,
                file: String? = nil, fileSHA256: String? = nil) {
        self.file = file
        self.fileSHA256 = fileSHA256
        self.key = key
        self.id = id
        self.revision = revision
        self.source = source
        self.sha = sha
        self.gguf = gguf
    }
}

public struct LockedEngine: Sendable, Equatable {
    public var spec: EngineSpec
    /// `sha256:...` manifest digest of `spec.image`; nil without an image.
    public var imageDigest: String?
    /// The image as an immutable reference: `registry/repository@sha256:...`.
    public var pinnedImage: String?
    /// The installed version of `spec.harness` (lm-evaluation-harness) that runs this engine's tasks.
    public var harnessVersion: String?

    public init(spec: EngineSpec, imageDigest: String? = nil, pinnedImage: String? = nil, harnessVersion: String? = nil) {
        self.spec = spec
        self.imageDigest = imageDigest
        self.pinnedImage = pinnedImage
        self.harnessVersion = harnessVersion
    }
}

/// A Hub dataset repository a task reads, pinned to a commit.
public struct LockedHubDataset: Sendable, Equatable {
    public var id: String
    public var revision: String
    public var sha: String

    public init(id: String, revision: String, sha: String) {
        self.id = id
        self.revision = revision
        self.sha = sha
    }
}

public struct LockedDataset: Sendable, Equatable {
    public var key: String
    public var id: String
    public var revision: String
    public var config: String?
    public var source: PinSource
    /// Hub commit SHA, or for a local dataset the sha256 of its files together (see `ContentHash`).
    public var sha: String
    /// Split -> file as written in the experiment, sorted by split.
    public var files: [String: String]
    /// Split -> sha256 of that local file; empty for Hub datasets.
    public var fileHashes: [String: String]

    public init(key: String, id: String, revision: String, config: String?, source: PinSource, sha: String,
                files: [String: String] = [:], fileHashes: [String: String] = [:]) {
        self.key = key
        self.id = id
        self.revision = revision
        self.config = config
        self.source = source
        self.sha = sha
        self.files = files
        self.fileHashes = fileHashes
    }
}

public struct LockedTask: Sendable, Equatable {
    public var name: String
    /// The task definition's version and prompt-template hash, when the task catalog provides them.
    public var version: String?
    public var promptHash: String?
    /// The Hub dataset and config the task reads by default.
    public var dataset: String?
    public var datasetConfig: String?

    public init(name: String, version: String? = nil, promptHash: String? = nil, dataset: String? = nil, datasetConfig: String? = nil) {
        self.name = name
        self.version = version
        self.promptHash = promptHash
        self.dataset = dataset
        self.datasetConfig = datasetConfig
    }
}

public struct LockedRun: Sendable, Equatable {
    public var model: String
    public var engine: String
    public var cell: Int
    /// Tasks with their effective limit (task limit, else the experiment's).
    public var tasks: [TaskSelection]

    public init(model: String, engine: String, cell: Int, tasks: [TaskSelection]) {
        self.model = model
        self.engine = engine
        self.cell = cell
        self.tasks = tasks
    }
}
