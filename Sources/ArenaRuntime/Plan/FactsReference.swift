/// The task and engine tables of docs/language.md, generated from the task catalog and the engine
/// capabilities that `check` and `run` both read (a test keeps the docs equal to them).
public enum FactsReference {
    /// One row per task: the splits it reads, its default few-shot count, what it asks the model
    /// for, and its metrics as `expect` names them with their `results.json` keys; then the tags.
    public static func tasksMarkdown() -> String {
        var out = "| task | scores split | few-shot split (read when `fewshot` > 0) | default `fewshot` | asks for | metrics (`results.json` key) |\n"
        out += "|---|---|---|---|---|---|\n"
        for task in TaskCatalog.definitions {
            let fewshot = task.takesFewshot ? task.dataset.fewshotSplit.map { "`\($0)`" } ?? "—" : "— (`fewshot` must be 0)"
            let metrics = task.scriptMetrics.map { "`\($0.name)` (`\($0.key)`)" }.joined(separator: ", ")
            out += "| `\(task.name)` | `\(task.dataset.evalSplit)` | \(fewshot) | \(task.defaultFewshot) | \(task.generates ? "generations" : "choice likelihoods") | \(metrics) |\n"
        }
        out += "\n| tag | tasks it plans |\n|---|---|\n"
        for tag in TaskCatalog.tags.keys.sorted() {
            out += "| `\(tag)` | \((TaskCatalog.tags[tag] ?? []).map { "`\($0)`" }.joined(separator: ", ")) |\n"
        }
        return out
    }

    /// One row per engine kind: the precisions it starts with, the generation settings it
    /// decodes with, and what a local model must be for it.
    public static func enginesMarkdown() -> String {
        var out = "| engine | `precision:` (server arguments) | `generation:` settings | a local `model(\"./…\")` must be |\n|---|---|---|---|\n"
        for kind in [EngineKind.native, .vllm, .sglang, .endpoint] {
            let capabilities = kind.capabilities
            let precisions = capabilities.precisions.isEmpty ? "—"
                : capabilities.precisions.map { "`\($0.name)` (`\($0.serverArguments.joined(separator: " "))`)" }.joined(separator: ", ")
            out += "| `\(kind.rawValue)` | \(precisions) | \(capabilities.sampling.summary) | \(capabilities.localModel.summary) |\n"
        }
        return out
    }
}
