import ArenaScript

/// The built-ins arena-script registers with the language: models, engines, tasks, datasets,
/// `evaluate`, `compare` and `tolerance`. Each returns a host object or records an event; the
/// plan builder turns objects and events into an `ExperimentPlan`.
public enum ArenaBuiltins {
    public enum TypeName {
        public static let model = "Model"
        public static let engine = "Engine"
        public static let task = "Task"
        public static let dataset = "Dataset"
        public static let tolerance = "Tolerance"
    }

    public enum EventName {
        public static let evaluate = "evaluate"
        public static let compare = "compare"
        public static let tolerance = "tolerance"
    }

    /// Every built-in, registered once.
    public static let environment: HostEnvironment = {
        var host = HostEnvironment()
        for name in [TypeName.model, TypeName.engine, TypeName.task, TypeName.dataset, TypeName.tolerance] {
            host.declareType(name)
        }
        host.resultSchema = ResultSchema(subjectType: TypeName.model, metrics: TaskSignatures.metricsByTask)
        for f in [modelFunction, datasetFunction, evaluateFunction, compareFunction, toleranceFunction] + engineFunctions + taskFunctions {
            host.register(f)
        }
        return host
    }()

    static let modelType = ArenaType.host(TypeName.model)
    static let engineType = ArenaType.host(TypeName.engine)
    static let taskType = ArenaType.host(TypeName.task)
    static let datasetType = ArenaType.host(TypeName.dataset)

    static let modelFunction = BuiltinFunction(
        "model",
        parameters: [
            Parameter("id", positional: true, .string, .required, rule: ValueRules.repositoryID,
                      summary: "Hub repository id (`org/name`), or a local folder or `.gguf` file starting with `/`, `./` or `../` (relative to the experiment file), which `check` opens: it must be what its engine needs (see Engines)"),
            Parameter("revision", .string, rule: ValueRules.revision,
                      summary: "branch or tag (git ref-name rules) or full 40-hex commit SHA; default \"main\"; `lock` pins it to a commit; a warning on a local folder"),
            Parameter("served_name", .string, rule: ValueRules.nonEmpty,
                      summary: "the id a server lists this model under in /v1/models when it is not the model's own (an endpoint started with `--served-model-name` or an alias); default: the Hub id, or the local folder's absolute path; server engines only"),
            Parameter("file", .string, rule: ValueRules.ggufFileName,
                      summary: "one `.gguf` file at the root of the Hub repository that is the model (`x.Q4_K_M.gguf`); `lock` pins its sha256 and `run` downloads only it; Hub models only (a local GGUF file is named by its path)"),
        ],
        returns: modelType,
        summary: "A model to evaluate.",
        callRule: { args in
            guard let id = args["id"]?.stringValue, ValueRules.isLocalPath(id) else { return [] }
            var problems: [ArgumentProblem] = []
            if args["file"] != nil {
                problems.append(ArgumentProblem("file: names a file of a Hub repository; a local GGUF file is the model's own path",
                                                hint: "write model(\"\(id)/<name>.gguf\")", parameter: "file"))
            }
            if args["revision"] != nil {
                problems.append(ArgumentProblem("a local model folder has no revision; it is pinned by the hash of its files",
                                                parameter: "revision", severity: .warning))
            }
            return problems
        },
        body: { call in
            let id = call["id"]?.stringValue ?? ""
            var fields: [String: Value] = [
                "id": .string(id),
                "revision": call["revision"] ?? .string("main"),
                "local": .bool(ValueRules.isLocalPath(id)),
            ]
            if let served = call["served_name"] { fields["served_name"] = served }
            if let file = call["file"] { fields["file"] = file }
            return BuiltinResult(call.object(TypeName.model, fields))
        })

    static let datasetSplits = ["test", "validation", "train", "dev"]

    static let datasetFunction = BuiltinFunction(
        "dataset",
        parameters: datasetSplits.map {
            Parameter($0, .string, rule: ValueRules.dataFile, summary: "local JSONL/JSON/CSV/Parquet file for the \($0) split, relative to the experiment file; `check` parses it and every row a task reads")
        } + [
            Parameter("hub", .string, rule: ValueRules.repositoryID, summary: "Hub dataset id instead of local split files (not both)"),
            Parameter("revision", .string, rule: ValueRules.revision, summary: "Hub dataset branch, tag or commit; default \"main\""),
            Parameter("config", .string, summary: "Hub dataset configuration name"),
        ],
        returns: datasetType,
        summary: "Data standing in for a task's own dataset: local files per split, or a Hub dataset.",
        callRule: { args in
            let files = datasetSplits.filter { args[$0] != nil }
            if args["hub"] != nil, !files.isEmpty {
                return [ArgumentProblem("give either hub: or local split files, not both", parameter: "hub")]
            }
            if args["hub"] == nil, files.isEmpty {
                return [ArgumentProblem("dataset needs hub: or at least one split file (\(datasetSplits.map { "\($0):" }.joined(separator: ", ")))")]
            }
            if args["hub"] == nil, args["revision"] != nil || args["config"] != nil {
                return [ArgumentProblem("revision: and config: apply only to a hub: dataset", parameter: args["revision"] != nil ? "revision" : "config")]
            }
            return []
        },
        body: { call in
            var fields = call.arguments
            fields["revision"] = call["revision"] ?? .string("main")
            return BuiltinResult(call.object(TypeName.dataset, fields))
        })

    static let evaluateFunction = BuiltinFunction(
        "evaluate",
        parameters: [
            Parameter("model", positional: true, modelType, .required, summary: "the model to run"),
            Parameter("on", .oneOf([taskType, .list(taskType)]), .required, summary: "a task or a non-empty list of tasks; a model may be evaluated on a task once"),
            Parameter("with", engineType, summary: "the engine; default native()"),
        ],
        returns: .void,
        summary: "Plans one run: the model on the tasks with the engine.",
        callRule: { args in
            args["on"] == .list([]) ? [ArgumentProblem("evaluate needs at least one task", parameter: "on")] : []
        },
        body: { call in
            let tasks = call["on"].map { $0.listValue ?? [$0] } ?? []
            var payload: [String: Value] = ["model": call["model"] ?? .void, "tasks": .list(tasks)]
            if let engine = call["with"] { payload["engine"] = engine }
            return BuiltinResult(.void, events: [HostEvent(name: EventName.evaluate, payload: .record(payload))])
        })

    static let compareFunction = BuiltinFunction(
        "compare",
        parameters: [
            Parameter("baseline", positional: true, modelType, .required, summary: "the reference model"),
            Parameter("candidate", positional: true, modelType, .required, summary: "the model compared against it (a different model; both must be evaluated)"),
            Parameter("allow_different_settings", .bool,
                      summary: "pair runs of a task whose few-shot count, limit, generation settings or data differ (a warning says so); default false: such a pair is an error"),
        ],
        returns: .void,
        summary: "Asks for a paired per-task comparison (candidate minus baseline) in the report, on the tasks both are evaluated on.",
        callRule: { args in
            args["baseline"] == args["candidate"] ? [ArgumentProblem("compare needs two different models", parameter: "candidate")] : []
        },
        body: { call in
            BuiltinResult(.void, events: [HostEvent(name: EventName.compare, payload: .record(call.arguments))])
        })

    static let toleranceFunction = BuiltinFunction(
        "tolerance",
        parameters: [
            Parameter("abs", .number, .required, rule: { v in
                (v.numberValue ?? -1) >= 0 ? nil : ArgumentProblem("must be 0 or more, found \(v)")
            }, summary: "largest allowed absolute difference of a task's metric on `verify --rerun`, ≥ 0"),
            Parameter("alpha", .number, .defaultValue(.number(0.05)), rule: { v in
                guard let a = v.numberValue, a > 0, a < 1 else { return ArgumentProblem("must be between 0 and 1, found \(v)") }
                return nil
            }, summary: "significance level of the paired test, in (0, 1): for 0/1 metrics McNemar's exact p must be ≥ alpha, for others the (1 − alpha) paired bootstrap CI of the change must hold 0"),
        ],
        returns: .host(TypeName.tolerance),
        summary: "Sets how far a re-run may drift before `verify --rerun` reports it; at most once per experiment.",
        body: { call in
            let object = call.object(TypeName.tolerance, call.arguments)
            return BuiltinResult(object, events: [HostEvent(name: EventName.tolerance, payload: object)])
        })
}
