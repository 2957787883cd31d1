import Foundation

/// `verify --rerun`: compares a fresh execution with the recorded bundle, task by task.
/// The native engine must reproduce every per-document value and aggregate exactly. Other
/// engines (GPU kernels are not bit-reproducible) pass a task when the primary metric moved by at
/// most the experiment's `tolerance(abs:)` and the paired test does not reject "no change" at its
/// `alpha`: McNemar's exact test (p ≥ alpha) for 0/1 metrics, else the paired bootstrap
/// (1 − alpha) CI, seeded from the experiment's seed, containing 0.
public struct RerunComparison: Sendable {
    public struct TaskVerdict: Sendable {
        public var model: String
        public var task: String
        public var metric: String
        public var recorded: Double
        public var rerun: Double
        public var reproduced: Bool
        public var detail: String
    }

    public var verdicts: [TaskVerdict]
    public var missing: [String]
    public var reproduced: Bool { missing.isEmpty && verdicts.allSatisfy(\.reproduced) }

    /// Default tolerance when the experiment declares none.
    public static let defaultTolerance = Tolerance(absolute: 0.02, alpha: 0.05)

    public init(recorded: BundleContents, rerun: BundleContents, tolerance: Tolerance?, seed: Int = Int(PairedComparison.defaultSeed)) {
        let tolerance = tolerance ?? Self.defaultTolerance
        var verdicts: [TaskVerdict] = []
        var missing: [String] = []
        var rerunTasks: [[String]: TaskOutcome] = [:]
        for task in rerun.tasks where rerunTasks[[task.model, task.task]] == nil { rerunTasks[[task.model, task.task]] = task }
        let engines = Dictionary(recorded.models.map { ($0.key, $0.engine.kind) }, uniquingKeysWith: { a, _ in a })
        for old in recorded.tasks {
            guard let new = rerunTasks[[old.model, old.task]] else {
                missing.append("\(old.model)/\(old.task)")
                continue
            }
            let key = old.primaryMetric
            let a = old.metrics[key] ?? .nan, b = new.metrics[key] ?? .nan
            let engine = engines[old.model]
            if engine == "native" {
                let exact = old.samples == new.samples && Self.bitEqual(old.metrics, new.metrics)
                verdicts.append(TaskVerdict(model: old.model, task: old.task, metric: key, recorded: a, rerun: b, reproduced: exact,
                                            detail: exact ? "identical samples and metrics (native engine: exact)" : "native engine results differ: \(Self.firstDifference(old, new))"))
                continue
            }
            let paired = PairedComparison(a: old.perDocument(key), b: new.perDocument(key), seed: PairedComparison.seed(experiment: seed),
                                          confidence: 1 - tolerance.alpha)
            let withinTolerance = abs(b - a) <= tolerance.absolute
            let testPasses: Bool
            let test: String
            if let p = paired.mcnemarP {
                testPasses = p >= tolerance.alpha
                test = "McNemar p = \(String(format: "%.4f", p)) (alpha \(tolerance.alpha))"
            } else {
                testPasses = paired.ciLow <= 0 && paired.ciHigh >= 0
                test = "bootstrap \(PercentText.of(paired.confidence)) CI [\(String(format: "%.4f", paired.ciLow)), \(String(format: "%.4f", paired.ciHigh))] (alpha \(tolerance.alpha))"
            }
            verdicts.append(TaskVerdict(model: old.model, task: old.task, metric: key, recorded: a, rerun: b,
                                        reproduced: withinTolerance && testPasses,
                                        detail: "Δ = \(String(format: "%+.4f", b - a)) (tolerance ±\(tolerance.absolute)), \(test)"))
        }
        self.verdicts = verdicts
        self.missing = missing
    }

    static func bitEqual(_ a: [String: Double], _ b: [String: Double]) -> Bool {
        a.keys.sorted() == b.keys.sorted() && a.allSatisfy { key, value in
            guard let other = b[key] else { return false }
            return (value.isNaN && other.isNaN) || value.bitPattern == other.bitPattern
        }
    }

    static func firstDifference(_ a: TaskOutcome, _ b: TaskOutcome) -> String {
        for (x, y) in zip(a.samples, b.samples) where x != y {
            return "doc \(x["doc_id"]?.intValue ?? -1) (filter \(x["filter"]?.stringValue ?? "none")) differs"
        }
        if a.samples.count != b.samples.count { return "\(a.samples.count) recorded samples, \(b.samples.count) now" }
        for key in Set(a.metrics.keys).union(b.metrics.keys).sorted() where a.metrics[key] != b.metrics[key] {
            return "\(key) recorded \(a.metrics[key].map(PythonFloat.repr) ?? "nothing"), now \(b.metrics[key].map(PythonFloat.repr) ?? "nothing")"
        }
        return "metrics differ"
    }
}
