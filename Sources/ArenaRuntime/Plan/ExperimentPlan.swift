import ArenaScript
import Foundation

/// What interpreting an `.arena` file yields for the runtime: every (model, engine, task, settings)
/// run, the notebook cells in source order, and the expectations to evaluate once results exist.
/// Pure data; `lock` resolves its floating names, `run` executes it.
public struct ExperimentPlan: Sendable, Equatable {
    public var name: String
    /// The experiment file's path as given, and its exact bytes (hashed into the lockfile).
    public var sourcePath: String
    public var source: String
    public var seed: Int
    /// Documents per task unless a task overrides it; nil means the whole split.
    public var limit: Int?
    /// Models in order of first appearance, keyed by their binding name.
    public var models: [ModelSpec]
    public var engines: [EngineSpec]
    public var runs: [PlannedRun]
    public var comparisons: [Comparison]
    public var expectations: [Expectation]
    public var tolerance: Tolerance?
    public var datasets: [DatasetSpec]
    /// The top-level statements as notebook cells, in source order; `cell` fields index into it.
    public var cells: [NotebookCell]
    /// Warnings found while checking, in source order, for the report's cells.
    public var warnings: [Diagnostic]

    public init(name: String, sourcePath: String, source: String, seed: Int = 1234, limit: Int? = nil,
                models: [ModelSpec] = [], engines: [EngineSpec] = [], runs: [PlannedRun] = [],
                comparisons: [Comparison] = [], expectations: [Expectation] = [], tolerance: Tolerance? = nil,
                datasets: [DatasetSpec] = [], cells: [NotebookCell] = [], warnings: [Diagnostic] = []) {
        self.name = name
        self.sourcePath = sourcePath
        self.source = source
        self.seed = seed
        self.limit = limit
        self.models = models
        self.engines = engines
        self.runs = runs
        self.comparisons = comparisons
        self.expectations = expectations
        self.tolerance = tolerance
        self.datasets = datasets
        self.cells = cells
        self.warnings = warnings
    }
}

/// `model("org/name", revision: "main")` or a local folder.
public struct ModelSpec: Sendable, Equatable, Hashable {
    /// The binding name in the experiment (`base`, `tuned`); unique within a plan.
    public var key: String
    /// Hub repository id, or a filesystem path when `isLocalPath`.
    public var id: String
    /// Branch, tag or commit SHA as written; locking turns it into a commit SHA.
    public var revision: String
    public var isLocalPath: Bool
    /// `served_name:`: the id a server lists the model under, when it is not the model's own
    /// (the Hub id, or the local path as a started server is given it). Server engines only.
    public var servedName: String?
    /// `file:`: one file of a Hub repository (a `.gguf` file) that is the model, instead of the
    /// repository's folder.
    public var file: String?
    /// The sha256 the lockfile pins `file` to; set by `Lockfile.pinning` (nil in an unpinned plan).
    public var fileSHA256: String?

    public init(key: String, id: String, revision: String = "main", isLocalPath: Bool = false, servedName: String? = nil,
                file: String? = nil, fileSHA256: String? = nil) {
        self.key = key
        self.id = id
        self.revision = revision
        self.isLocalPath = isLocalPath
        self.servedName = servedName
        self.file = file
        self.fileSHA256 = fileSHA256
    }
}

public enum EngineKind: String, Sendable, Equatable, Hashable, CaseIterable {
    case native, vllm, sglang, endpoint

    /// vLLM and SGLang: servers this tool starts (and whose GPU count and tensor parallelism matter).
    public var startsServer: Bool { self == .vllm || self == .sglang }
}

public struct EngineSpec: Sendable, Equatable, Hashable {
    public var key: String
    public var kind: EngineKind
    /// Container image reference (`vllm/vllm-openai:v0.8.5` or `...@sha256:...`).
    public var image: String?
    /// A local command to start the server instead of an image.
    public var command: String?
    /// `endpoint(url:)` base URL.
    public var url: String?
    public var gpu: String?
    public var gpuCount: Int
    public var tensorParallel: Int
    public var precision: String?
    public var maxModelLength: Int?
    public var gpuMemoryFraction: Double?
    public var extraArgs: [String]
    /// Requests in flight at once.
    public var concurrency: Int?
    /// Prompts per request.
    public var batchSize: Int?
    /// nil: the native scorer; "lm-eval": delegate to lm-evaluation-harness.
    public var harness: String?
    /// Native engine worker threads; nil means all cores.
    public var threads: Int?

    public init(key: String, kind: EngineKind, image: String? = nil, command: String? = nil, url: String? = nil,
                gpu: String? = nil, gpuCount: Int = 1, tensorParallel: Int = 1, precision: String? = nil,
                maxModelLength: Int? = nil, gpuMemoryFraction: Double? = nil, extraArgs: [String] = [],
                concurrency: Int? = nil, batchSize: Int? = nil, harness: String? = nil, threads: Int? = nil) {
        self.key = key
        self.kind = kind
        self.image = image
        self.command = command
        self.url = url
        self.gpu = gpu
        self.gpuCount = gpuCount
        self.tensorParallel = tensorParallel
        self.precision = precision
        self.maxModelLength = maxModelLength
        self.gpuMemoryFraction = gpuMemoryFraction
        self.extraArgs = extraArgs
        self.concurrency = concurrency
        self.batchSize = batchSize
        self.harness = harness
        self.threads = threads
    }
}

/// A task by lm-eval's name with the experiment's overrides.
public struct TaskSelection: Sendable, Equatable, Hashable {
    /// lm-eval task name (`gsm8k`, `truthfulqa_mc2`, ...); `truthfulqa` is expanded before planning.
    public var name: String
    public var fewshot: Int?
    public var limit: Int?
    /// Key of a `dataset(...)` binding that replaces the task's Hub dataset.
    public var dataset: String?
    /// Generation overrides (max tokens, temperature), sorted by key when written.
    public var generation: [String: Double]

    public init(name: String, fewshot: Int? = nil, limit: Int? = nil, dataset: String? = nil, generation: [String: Double] = [:]) {
        self.name = name
        self.fewshot = fewshot
        self.limit = limit
        self.dataset = dataset
        self.generation = generation
    }
}

/// A local file or Hub dataset standing in for a task's data.
public struct DatasetSpec: Sendable, Equatable, Hashable {
    public var key: String
    /// Hub dataset id, or a local path when `isLocalPath`.
    public var id: String
    public var revision: String
    public var config: String?
    public var isLocalPath: Bool
    /// Split name -> file (local) or glob within the repo.
    public var files: [String: String]

    public init(key: String, id: String, revision: String = "main", config: String? = nil, isLocalPath: Bool = false, files: [String: String] = [:]) {
        self.key = key
        self.id = id
        self.revision = revision
        self.config = config
        self.isLocalPath = isLocalPath
        self.files = files
    }
}

/// `evaluate(m, on: suite, with: engine)`: one model on one engine over a list of tasks.
public struct PlannedRun: Sendable, Equatable, Hashable {
    public var model: String
    public var engine: String
    public var tasks: [TaskSelection]
    /// The top-level statement (cell) that planned this run.
    public var cell: Int

    public init(model: String, engine: String, tasks: [TaskSelection], cell: Int) {
        self.model = model
        self.engine = engine
        self.tasks = tasks
        self.cell = cell
    }
}

/// `compare(a, b)`: a paired comparison the report draws (b minus a).
public struct Comparison: Sendable, Equatable, Hashable {
    public var baseline: String
    public var candidate: String
    public var cell: Int
    /// `allow_different_settings: true`: pair the runs even where their settings differ (a warning says so).
    public var allowDifferentSettings: Bool

    public init(baseline: String, candidate: String, cell: Int, allowDifferentSettings: Bool = false) {
        self.baseline = baseline
        self.candidate = candidate
        self.cell = cell
        self.allowDifferentSettings = allowDifferentSettings
    }
}

/// `expect a.task.metric >= b.task.metric`, kept unevaluated until results exist.
public struct Expectation: Sendable, Equatable, Hashable {
    public var source: String
    public var line: Int
    public var column: Int
    public var cell: Int
    /// The checked expression with bindings replaced by values; nil only for hand-made plans.
    public var term: ExpectationTerm?
    /// `with confidence`: the claim about a paired difference that decides it instead of the term.
    public var claim: PairedClaim?

    public init(source: String, line: Int, column: Int, cell: Int, term: ExpectationTerm? = nil, claim: PairedClaim? = nil) {
        self.source = source
        self.line = line
        self.column = column
        self.cell = cell
        self.term = term
        self.claim = claim
    }

    /// The results the expectation reads (`model.task.metric`), in order of first use.
    public var references: [ResultReference] { term?.references ?? [] }

    /// Passed, failed, or unresolved when `resolve` lacks a result it reads.
    public func evaluate(_ resolve: (ResultReference) -> Double?) -> ExpectationOutcome {
        term?.evaluate(resolve) ?? .unresolved(missing: [])
    }
}

/// `tolerance(...)`: how far a `verify --rerun` may drift per task before it counts as drifted.
public struct Tolerance: Sendable, Equatable, Hashable {
    /// Largest allowed absolute difference of a task's primary metric.
    public var absolute: Double
    /// Significance level of the paired test that must not reject equality.
    public var alpha: Double

    public init(absolute: Double, alpha: Double = 0.05) {
        self.absolute = absolute
        self.alpha = alpha
    }
}
