import Foundation

/// `arena-script diff`: a paired, per-document comparison of two models' results on the tasks
/// both ran, for every metric (candidate minus baseline). Every figure of a row is over the
/// documents both sides scored; documents only one side scored are counted, never mixed in. A
/// pair of runs whose settings differ (`TaskRunSettings`) is refused unless allowed.
public struct BundleDiff: Sendable {
    public struct Side: Sendable {
        public var label: String
        public var model: String
        public var tasks: [TaskOutcome]
        /// The bundle's lockfile, which says how each task was run; nil when it cannot be read.
        public var lockfile: Lockfile?
        /// Why the lockfile could not be read.
        public var lockfileProblem: String?

        public init(label: String, model: String, tasks: [TaskOutcome], lockfile: Lockfile? = nil, lockfileProblem: String? = nil) {
            self.label = label
            self.model = model
            self.tasks = tasks
            self.lockfile = lockfile
            self.lockfileProblem = lockfileProblem
        }
    }

    public struct Row: Sendable {
        public var task: String
        /// lm-eval key, e.g. `acc,none`.
        public var metric: String
        /// The recorded aggregates, each over all the documents its side scored.
        public var recordedBaseline: Double
        public var recordedCandidate: Double
        /// Means, difference, CI, McNemar and agreement over the paired documents, and the unpaired counts.
        public var paired: PairedComparison
    }

    public var baseline: Side
    public var candidate: Side
    public var rows: [Row]
    /// Tasks only one side ran.
    public var unmatched: [String]
    /// Every setting that differs between the two sides' runs of a shared task ("gsm8k: few-shot 0 vs 3").
    public var settingsDifferences: [String]
    /// The seed of every bootstrap: the baseline experiment's seed.
    public var seed: UInt32
    public var iterations: Int

    /// Throws `DiffError.differentSettings` when the runs differ in settings and `allowDifferentSettings` is false.
    public init(baseline: Side, candidate: Side, allowDifferentSettings: Bool = false,
                iterations: Int = PairedComparison.defaultIterations, seed: UInt32? = nil) throws {
        self.baseline = baseline
        self.candidate = candidate
        self.iterations = iterations
        self.seed = seed ?? baseline.lockfile.map { PairedComparison.seed(experiment: $0.experiment.seed) } ?? PairedComparison.defaultSeed
        var pairs: [(TaskOutcome, TaskOutcome)] = []
        var unmatched: [String] = []
        for a in baseline.tasks {
            guard let b = candidate.tasks.first(where: { $0.task == a.task }) else { unmatched.append(a.task); continue }
            pairs.append((a, b))
        }
        unmatched += candidate.tasks.map(\.task).filter { t in !baseline.tasks.contains { $0.task == t } }
        self.unmatched = unmatched
        settingsDifferences = Self.settingsDifferences(pairs, baseline: baseline, candidate: candidate)
        if !settingsDifferences.isEmpty && !allowDifferentSettings {
            throw DiffError.differentSettings(settingsDifferences)
        }
        var rows: [Row] = []
        for (a, b) in pairs {
            let keys = a.metrics.keys.filter { !TaskSignatures.isStderrKey($0) && b.metrics[$0] != nil }
            let ordered = [a.primaryMetric].filter(keys.contains) + keys.filter { $0 != a.primaryMetric }.sorted()
            for key in ordered {
                rows.append(Row(task: a.task, metric: key, recordedBaseline: a.metrics[key] ?? .nan, recordedCandidate: b.metrics[key] ?? .nan,
                                paired: PairedComparison(a: a.perDocument(key), b: b.perDocument(key), iterations: iterations, seed: self.seed)))
            }
        }
        self.rows = rows
    }

    static func settingsDifferences(_ pairs: [(TaskOutcome, TaskOutcome)], baseline: Side, candidate: Side) -> [String] {
        var out: [String] = []
        for side in [baseline, candidate] where side.lockfile == nil && !pairs.isEmpty {
            out.append("\(side.label): its lockfile cannot be read (\(side.lockfileProblem ?? "missing")), so its settings are unknown")
        }
        guard let lockA = baseline.lockfile, let lockB = candidate.lockfile else { return out }
        for (a, b) in pairs {
            guard let settingsA = TaskRunSettings.recorded(lockA, outcome: a) else {
                out.append("\(a.task): \(baseline.label)'s lockfile has no run of \(a.model) on it"); continue
            }
            guard let settingsB = TaskRunSettings.recorded(lockB, outcome: b) else {
                out.append("\(b.task): \(candidate.label)'s lockfile has no run of \(b.model) on it"); continue
            }
            out += settingsA.differences(from: settingsB).map { "\(a.task): \($0)" }
        }
        return out
    }

    /// Picks the two sides from one or two bundles: with one bundle, two of its models (by default
    /// the first two in plan order); with two, one model of each (by default each one's first).
    public static func sides(first: BundleContents, firstLabel: String, second: BundleContents?, secondLabel: String?,
                             baselineModel: String?, candidateModel: String?) throws -> (Side, Side) {
        func side(_ contents: BundleContents, _ label: String, _ key: String?, fallback index: Int) throws -> Side {
            let keys = contents.models.map(\.key)
            let chosen: String
            if let key {
                guard keys.contains(key) else { throw DiffError.unknownModel(key, bundle: label, known: keys) }
                chosen = key
            } else {
                guard index < keys.count else { throw DiffError.needsTwoModels(bundle: label, found: keys) }
                chosen = keys[index]
            }
            do {
                let lockfile = try LockfileReader.parse(contents.lockfileText, path: "\(label)/\(BundleLayout.lockfile)")
                return Side(label: label, model: chosen, tasks: contents.tasks(for: chosen), lockfile: lockfile)
            } catch {
                return Side(label: label, model: chosen, tasks: contents.tasks(for: chosen), lockfileProblem: "\(error)")
            }
        }
        if let second, let secondLabel {
            return (try side(first, firstLabel, baselineModel, fallback: 0), try side(second, secondLabel, candidateModel, fallback: 0))
        }
        return (try side(first, firstLabel, baselineModel, fallback: 0), try side(first, firstLabel, candidateModel, fallback: 1))
    }
}

public enum DiffError: Error, CustomStringConvertible, Equatable {
    case unknownModel(String, bundle: String, known: [String])
    case needsTwoModels(bundle: String, found: [String])
    case differentSettings([String])

    public var description: String {
        switch self {
        case let .unknownModel(key, bundle, known):
            return "\(bundle): no model '\(key)' (models: \(known.joined(separator: ", ")))"
        case let .needsTwoModels(bundle, found):
            return "\(bundle) has \(found.count) model(s) (\(found.joined(separator: ", "))); give a second bundle or --baseline/--candidate"
        case let .differentSettings(differences):
            return "the two runs were not made with the same settings, so their documents do not compare:\n"
                + differences.map { "  - \($0)" }.joined(separator: "\n")
                + "\n(baseline first; pass --allow-different-settings to compare them anyway)"
        }
    }
}
