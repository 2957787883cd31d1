/// The lm-eval tasks scripts can name, with what the language needs to check them: metrics,
/// default few-shot count, scored and few-shot splits (lm-evaluation-harness 0.4.13).
public struct TaskInfo: Sendable, Hashable {
    public var name: String
    /// Metric names an `expect` may use (each also with `_stderr`).
    public var metrics: [String]
    public var defaultFewshot: Int
    public var scoredSplit: String
    /// nil when the task has no few-shot pool (its few-shot count must stay 0).
    public var fewshotSplit: String?
    public var generates: Bool
}

public enum TaskSignatures {
    private static let choice = ["acc", "acc_norm"]
    private static let truthfulGen = ["bleu", "rouge1", "rouge2", "rougeL"].flatMap { m in ["max", "acc", "diff"].map { "\(m)_\($0)" } }

    public static let tasks: [TaskInfo] = [
        TaskInfo(name: "hellaswag", metrics: choice, defaultFewshot: 0, scoredSplit: "validation", fewshotSplit: "train", generates: false),
        TaskInfo(name: "arc_easy", metrics: choice, defaultFewshot: 0, scoredSplit: "test", fewshotSplit: "train", generates: false),
        TaskInfo(name: "arc_challenge", metrics: choice, defaultFewshot: 0, scoredSplit: "test", fewshotSplit: "train", generates: false),
        TaskInfo(name: "mathqa", metrics: choice, defaultFewshot: 0, scoredSplit: "test", fewshotSplit: "train", generates: false),
        TaskInfo(name: "truthfulqa_mc1", metrics: ["acc"], defaultFewshot: 0, scoredSplit: "validation", fewshotSplit: nil, generates: false),
        TaskInfo(name: "truthfulqa_mc2", metrics: ["acc"], defaultFewshot: 0, scoredSplit: "validation", fewshotSplit: nil, generates: false),
        TaskInfo(name: "truthfulqa_gen", metrics: truthfulGen, defaultFewshot: 0, scoredSplit: "validation", fewshotSplit: nil, generates: true),
        TaskInfo(name: "drop", metrics: ["em", "f1"], defaultFewshot: 0, scoredSplit: "validation", fewshotSplit: "train", generates: true),
        TaskInfo(name: "gsm8k", metrics: ["exact_match", "exact_match_flexible"], defaultFewshot: 5, scoredSplit: "test", fewshotSplit: "train", generates: true),
        TaskInfo(name: "mmlu_abstract_algebra", metrics: ["acc"], defaultFewshot: 0, scoredSplit: "test", fewshotSplit: "dev", generates: false),
        TaskInfo(name: "mmlu_college_mathematics", metrics: ["acc"], defaultFewshot: 0, scoredSplit: "test", fewshotSplit: "dev", generates: false),
    ]

    /// lm-eval tags: a name that stands for several tasks (no aggregate row of its own).
    public static let tags: [String: [String]] = ["truthfulqa": ["truthfulqa_gen", "truthfulqa_mc1", "truthfulqa_mc2"]]

    /// Generation settings a generating task accepts in `generation:`.
    public static let generationKeys = ["max_gen_toks", "temperature", "top_k", "top_p"]

    public static func info(_ name: String) -> TaskInfo? { tasks.first { $0.name == name } }

    /// The tasks a script name stands for: itself, or a tag's members.
    public static func expand(_ name: String) -> [TaskInfo] {
        (tags[name] ?? [name]).compactMap(info)
    }

    /// Metric names per task as `expect` sees them, `_stderr` variants included.
    public static var metricsByTask: [String: [String]] {
        Dictionary(uniqueKeysWithValues: tasks.map { t in (t.name, t.metrics + t.metrics.map { $0 + "_stderr" }) })
    }

    /// The key of a metric in lm-eval's `results.json` (`exact_match,strict-match`,
    /// `acc_stderr,none`), or nil for a name the task does not report.
    public static func lmEvalKey(task: String, metric: String) -> String? {
        guard let info = info(task), metricsByTask[task]?.contains(metric) == true else { return nil }
        let isStderr = metric.hasSuffix("_stderr")
        let base = isStderr ? String(metric.dropLast("_stderr".count)) : metric
        guard info.metrics.contains(base) else { return nil }
        var key = "\(base),none"
        if task == "gsm8k" { key = "exact_match," + (base == "exact_match" ? "strict-match" : "flexible-extract") }
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
