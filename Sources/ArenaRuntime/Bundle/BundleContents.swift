/// Everything a result bundle holds, in memory. The run pipeline fills it; `BundleWriter` lays it
/// out on disk; `BundleReader` reads it back for `report`, `diff` and `verify`.
public struct BundleContents: Sendable {
    public var experiment: String
    public var experimentSource: String
    public var lockfileText: String
    public var models: [BundleModel]
    public var tasks: [TaskOutcome]
    public var expectations: [ExpectationResult]
    /// Per model key: the engine's log.
    public var engineLogs: [String: String]
    /// Captured environment (tool version, engine identities, hardware): hashed, so nothing volatile.
    public var environment: JSONValue
    /// Wall-clock facts: kept in timing.json, outside the manifest.
    public var timing: JSONValue

    public init(experiment: String, experimentSource: String, lockfileText: String, models: [BundleModel], tasks: [TaskOutcome],
                expectations: [ExpectationResult], engineLogs: [String: String] = [:], environment: JSONValue = .object([:]),
                timing: JSONValue = .object([:])) {
        self.experiment = experiment
        self.experimentSource = experimentSource
        self.lockfileText = lockfileText
        self.models = models
        self.tasks = tasks
        self.expectations = expectations
        self.engineLogs = engineLogs
        self.environment = environment
        self.timing = timing
    }

    public func tasks(for model: String) -> [TaskOutcome] { tasks.filter { $0.model == model } }
}

public struct BundleModel: Sendable, Equatable {
    /// Binding name in the experiment.
    public var key: String
    public var id: String
    /// The locked commit (or content hash of a local folder).
    public var revision: String
    public var engine: EngineIdentity

    public init(key: String, id: String, revision: String, engine: EngineIdentity) {
        self.key = key
        self.id = id
        self.revision = revision
        self.engine = engine
    }
}

/// One model on one task: lm-eval-keyed metrics and the per-document samples.
public struct TaskOutcome: Sendable {
    public var model: String
    public var task: String
    public var version: String
    public var nShot: Int
    /// Documents in the split, and documents scored.
    public var originalCount: Int
    public var effectiveCount: Int
    /// lm-eval keys: `"acc,none"`, `"acc_stderr,none"`, `"exact_match,strict-match"`, ...
    public var metrics: [String: Double]
    /// Metric name -> higher is better.
    public var higherIsBetter: [String: Bool]
    /// The metric (lm-eval key without stderr) charts and comparisons use first.
    public var primaryMetric: String
    /// The resolved task configuration, as lm-eval's `configs` entry.
    public var config: JSONValue
    /// One row per (document, filter) in lm-eval's samples schema, plus `request_hashes` (and
    /// `truncated_tokens` where `truncation` is known).
    public var samples: [JSONValue]
    /// Documents cut to fit the model, and the window; nil when not known (lm-eval delegation).
    public var truncation: TaskTruncation?

    public init(model: String, task: String, version: String, nShot: Int, originalCount: Int, effectiveCount: Int,
                metrics: [String: Double], higherIsBetter: [String: Bool], primaryMetric: String, config: JSONValue, samples: [JSONValue],
                truncation: TaskTruncation? = nil) {
        self.model = model
        self.task = task
        self.version = version
        self.nShot = nShot
        self.originalCount = originalCount
        self.effectiveCount = effectiveCount
        self.metrics = metrics
        self.higherIsBetter = higherIsBetter
        self.primaryMetric = primaryMetric
        self.config = config
        self.samples = samples
        self.truncation = truncation
    }

    /// Per-document values of a metric key (`"acc,none"`), by doc_id, from the samples.
    public func perDocument(_ key: String) -> [Int: Double] {
        let parts = key.split(separator: ",", maxSplits: 1).map(String.init)
        let metric = parts.first ?? key
        let filter = parts.count > 1 ? parts[1] : "none"
        var out: [Int: Double] = [:]
        for row in samples {
            guard let doc = row["doc_id"]?.intValue, (row["filter"]?.stringValue ?? "none") == filter,
                  let value = row[metric]?.doubleValue else { continue }
            out[doc] = value
        }
        return out
    }
}

/// How an `expect` came out. `inconclusive` is only for `expect ... with confidence`, when the
/// evidence decides neither way (docs/statistics.md).
public enum ExpectationVerdict: String, Sendable, Equatable, CaseIterable {
    case passed, failed, inconclusive
}

public struct ExpectationResult: Sendable, Equatable {
    public var source: String
    public var line: Int
    public var verdict: ExpectationVerdict
    /// The values that decided it, e.g. `0.410 >= 0.420`.
    public var detail: String

    public var passed: Bool { verdict == .passed }

    public init(source: String, line: Int, verdict: ExpectationVerdict, detail: String) {
        self.source = source
        self.line = line
        self.verdict = verdict
        self.detail = detail
    }

    public init(source: String, line: Int, passed: Bool, detail: String) {
        self.init(source: source, line: line, verdict: passed ? .passed : .failed, detail: detail)
    }
}
