/// `results/<model>.json` in lm-eval 0.4.13's results schema, so tools that read lm-eval output
/// read ours. Volatile fields lm-eval writes (`date`, timings) are left out; they live in timing.json.
public enum ResultsFile {
    public static func json(model: BundleModel, tasks: [TaskOutcome], seed: Int, limit: Int?) -> JSONValue {
        var results: [String: JSONValue] = [:]
        var configs: [String: JSONValue] = [:]
        var versions: [String: JSONValue] = [:]
        var nShot: [String: JSONValue] = [:]
        var higher: [String: JSONValue] = [:]
        var nSamples: [String: JSONValue] = [:]
        var groupSubtasks: [String: JSONValue] = [:]
        var primary: [String: JSONValue] = [:]
        var truncation: [String: JSONValue] = [:]
        for task in tasks {
            if let cut = task.truncation { truncation[task.task] = cut.json }
            var entry: [String: JSONValue] = ["alias": .string(task.task)]
            for (key, value) in task.metrics { entry[key] = value.isFinite ? .double(value) : .string("N/A") }
            results[task.task] = .object(entry)
            configs[task.task] = task.config
            versions[task.task] = Double(task.version).map { .double($0) } ?? .string(task.version)
            nShot[task.task] = .int(task.nShot)
            higher[task.task] = .object(task.higherIsBetter.mapValues { .bool($0) })
            nSamples[task.task] = .object(["original": .int(task.originalCount), "effective": .int(task.effectiveCount)])
            groupSubtasks[task.task] = .array([])
            primary[task.task] = .string(task.primaryMetric)
        }
        let config: [String: JSONValue] = [
            "model": .string(model.engine.kind),
            "model_args": .string("pretrained=\(model.id),revision=\(model.revision)"),
            "limit": limit.map { .int($0) } ?? .null,
            "bootstrap_iters": .int(100_000),
            "gen_kwargs": .null,
            "random_seed": .int(0),
            "numpy_seed": .int(seed),
            "torch_seed": .int(seed),
            "fewshot_seed": .int(seed),
        ]
        var file: [String: JSONValue] = [
            "results": .object(results),
            "group_subtasks": .object(groupSubtasks),
            "configs": .object(configs),
            "versions": .object(versions),
            "n-shot": .object(nShot),
            "higher_is_better": .object(higher),
            "n-samples": .object(nSamples),
            "config": .object(config),
            "model_name": .string(model.id),
            "model_revision": .string(model.revision),
            "engine": .object(["kind": .string(model.engine.kind), "version": .string(model.engine.version), "model": .string(model.engine.model)]),
            "arena_script_version": .string(ToolVersion.current),
            "primary_metric": .object(primary),
        ]
        if !truncation.isEmpty { file["truncation"] = .object(truncation) }
        return .object(file)
    }
}
