/// What the language needs to know of the tasks, read from `TaskCatalog` (the one list of task
/// definitions `run` scores with): names and tags, metric names as `expect` writes them, and their
/// keys in lm-eval's `results.json`.
public enum TaskSignatures {
    /// Task names in catalog order, then tag names in alphabetical order: the task built-ins.
    public static var names: [String] { TaskCatalog.taskNames + TaskCatalog.tags.keys.sorted() }

    public static func info(_ name: String) -> TaskDefinition? { try? TaskCatalog.task(named: name) }

    /// The tasks a script name stands for: itself, or a tag's members; empty for an unknown name.
    public static func expand(_ name: String) -> [TaskDefinition] { (try? TaskCatalog.expand(name)) ?? [] }

    /// Generation settings a generating task accepts in `generation:`.
    public static var generationKeys: [String] { GenerationSettings.overrides.map(\.name) }

    /// Metric names per task as `expect` sees them, `_stderr` variants included.
    public static var metricsByTask: [String: [String]] {
        Dictionary(uniqueKeysWithValues: TaskCatalog.definitions.map { t in
            let names = t.scriptMetrics.map(\.name)
            return (t.name, names + names.map { $0 + "_stderr" })
        })
    }

    /// The key of a metric in lm-eval's `results.json` (`exact_match,strict-match`,
    /// `acc_stderr,none`), or nil for a name the task does not report.
    public static func lmEvalKey(task: String, metric: String) -> String? {
        guard let info = info(task) else { return nil }
        let isStderr = metric.hasSuffix("_stderr")
        let base = isStderr ? String(metric.dropLast("_stderr".count)) : metric
        guard let key = info.scriptMetrics.first(where: { $0.name == base })?.key else { return nil }
        return isStderr ? stderrKey(of: key) : key
    }

    /// The key of a results key's standard error: `acc,none` → `acc_stderr,none`.
    public static func stderrKey(of key: String) -> String {
        let parts = key.split(separator: ",", maxSplits: 1).map(String.init)
        return parts.count == 2 ? "\(parts[0])_stderr,\(parts[1])" : key + "_stderr"
    }

    /// Whether a results key is a standard error (`acc_stderr,none`).
    public static func isStderrKey(_ key: String) -> Bool {
        (key.split(separator: ",", maxSplits: 1).first ?? "").hasSuffix("_stderr")
    }
}

extension TaskDefinition {
    /// Each metric under each filter as `expect` names it, with its `results.json` key: the
    /// metric's own name under the first filter (`exact_match` → `exact_match,strict-match`), and
    /// with the first word of any other filter appended (`exact_match_flexible` →
    /// `exact_match,flexible-extract`).
    public var scriptMetrics: [(name: String, key: String)] {
        filterNames.enumerated().flatMap { index, filter in
            metricNames.map { metric in
                let suffix = filter.split(separator: "-").first.map(String.init) ?? filter
                return (index == 0 ? metric : "\(metric)_\(suffix)", "\(metric),\(filter)")
            }
        }
    }

    /// Whether the task generates text (and so takes `generation:` settings).
    public var generates: Bool { outputType == .generateUntil }

    /// Whether a few-shot count above 0 means anything for the task.
    public var takesFewshot: Bool { dataset.fewshotSplit != nil && !fewshotFixedAtZero }

    /// The splits the task reads when `requested` few-shot examples are asked for (nil: its
    /// default): the eval split, and the few-shot split only when examples are drawn. `check`
    /// and the document loader both read it.
    public func splitsRead(fewshot requested: Int?) -> [String] {
        var splits = [dataset.evalSplit]
        if effectiveFewshot(requested: requested) > 0, let fewshot = dataset.fewshotSplit, fewshot != dataset.evalSplit {
            splits.append(fewshot)
        }
        return splits
    }
}
