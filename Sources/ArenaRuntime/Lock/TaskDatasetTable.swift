/// The Hub dataset (repository id and config) each lm-eval 0.4.13 task reads, from
/// docs/lm-eval-task-facts.md (each task YAML's `dataset_path` / `dataset_name`). The one place
/// this mapping lives.
public enum TaskDatasetTable {
    public struct Entry: Sendable, Equatable {
        public var id: String
        public var config: String?
    }

    static let fixed: [String: Entry] = [
        "arc_easy": Entry(id: "allenai/ai2_arc", config: "ARC-Easy"),
        "arc_challenge": Entry(id: "allenai/ai2_arc", config: "ARC-Challenge"),
        "hellaswag": Entry(id: "Rowan/hellaswag", config: nil),
        "mathqa": Entry(id: "regisss/math_qa", config: nil),
        "truthfulqa_mc1": Entry(id: "truthfulqa/truthful_qa", config: "multiple_choice"),
        "truthfulqa_mc2": Entry(id: "truthfulqa/truthful_qa", config: "multiple_choice"),
        "truthfulqa_gen": Entry(id: "truthfulqa/truthful_qa", config: "generation"),
        "drop": Entry(id: "EleutherAI/drop", config: nil),
        "gsm8k": Entry(id: "openai/gsm8k", config: "main"),
    ]

    /// `mmlu_<subject>` reads `cais/mmlu` with the subject as config.
    public static func entry(for task: String) -> Entry? {
        if let e = fixed[task] { return e }
        if task.hasPrefix("mmlu_"), task.count > 5 { return Entry(id: "cais/mmlu", config: String(task.dropFirst(5))) }
        return nil
    }

    public static var knownTasks: [String] { fixed.keys.sorted() + ["mmlu_<subject>"] }
}

/// Returns nil for a task the catalog does not describe (its version is then not recorded).
public typealias TaskLockCatalog = @Sendable (_ name: String) throws -> TaskLockEntry?
