import Foundation

/// `arena-script diff`: a paired, per-document comparison of two models' results on the tasks
/// both ran, for every metric (candidate minus baseline).
public struct BundleDiff: Sendable {
    public struct Side: Sendable {
        public var label: String
        public var model: String
        public var tasks: [TaskOutcome]
    }

    public struct Row: Sendable {
        public var task: String
        /// lm-eval key, e.g. `acc,none`.
        public var metric: String
        /// The recorded aggregates.
        public var baseline: Double
        public var candidate: Double
        public var paired: PairedComparison
    }

    public var baseline: Side
    public var candidate: Side
    public var rows: [Row]
    /// Tasks only one side ran.
    public var unmatched: [String]

    public init(baseline: Side, candidate: Side, iterations: Int = PairedComparison.defaultIterations, seed: UInt32 = PairedComparison.defaultSeed) {
        self.baseline = baseline
        self.candidate = candidate
        var rows: [Row] = []
        var unmatched: [String] = []
        for a in baseline.tasks {
            guard let b = candidate.tasks.first(where: { $0.task == a.task }) else { unmatched.append(a.task); continue }
            let keys = a.metrics.keys.filter { !TaskSignatures.isStderrKey($0) && b.metrics[$0] != nil }
            let ordered = [a.primaryMetric].filter(keys.contains) + keys.filter { $0 != a.primaryMetric }.sorted()
            for key in ordered {
                rows.append(Row(task: a.task, metric: key, baseline: a.metrics[key] ?? .nan, candidate: b.metrics[key] ?? .nan,
                                paired: PairedComparison(a: a.perDocument(key), b: b.perDocument(key), iterations: iterations, seed: seed)))
            }
        }
        unmatched += candidate.tasks.map(\.task).filter { t in !baseline.tasks.contains { $0.task == t } }
        self.rows = rows
        self.unmatched = unmatched
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
            return Side(label: label, model: chosen, tasks: contents.tasks(for: chosen))
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

    public var description: String {
        switch self {
        case let .unknownModel(key, bundle, known):
            return "\(bundle): no model '\(key)' (models: \(known.joined(separator: ", ")))"
        case let .needsTwoModels(bundle, found):
            return "\(bundle) has \(found.count) model(s) (\(found.joined(separator: ", "))); give a second bundle or --baseline/--candidate"
        }
    }
}
