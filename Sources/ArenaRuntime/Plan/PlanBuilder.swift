import ArenaScript

/// Turns what the interpreter produced (host objects and events) into an `ExperimentPlan`, and
/// reports what only the whole plan shows: a model evaluated twice on a task, an expectation or
/// comparison about runs that are never planned, a dataset without the split a task scores.
struct PlanBuilder {
    let interpretation: Interpretation
    var plan: ExperimentPlan
    var diagnostics: [Diagnostic] = []
    /// (model key, task) -> the range of the call that planned it.
    var evaluated: [String: [String: SourceRange]] = [:]
    /// Where the plan's local files were named, for `PlanFileCheck`.
    var places = PlanPlaces()
    /// The range of each `compare(...)` call, by its index in `plan.comparisons`.
    var comparisonRanges: [SourceRange] = []

    init(interpretation: Interpretation, path: String, source: String, cells: [NotebookCell]) {
        self.interpretation = interpretation
        plan = ExperimentPlan(name: interpretation.experimentName ?? Self.stem(of: path), sourcePath: path, source: source,
                              seed: interpretation.seed ?? 1234, limit: interpretation.limit, cells: cells)
    }

    static func stem(of path: String) -> String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        return file.hasSuffix(".arena") ? String(file.dropLast(".arena".count)) : file
    }

    mutating func build(experimentRange: SourceRange?) -> (ExperimentPlan, [Diagnostic]) {
        checkName(at: experimentRange ?? .zero)
        for event in interpretation.events {
            switch event.name {
            case ArenaBuiltins.EventName.evaluate: addRun(event)
            case ArenaBuiltins.EventName.compare: addComparison(event)
            case ArenaBuiltins.EventName.tolerance: setTolerance(event)
            default: diagnostics.append(.error("unknown host event '\(event.name)'", at: event.range))
            }
        }
        for c in plan.comparisons {
            for key in [c.baseline, c.candidate] where evaluated[key] == nil {
                diagnostics.append(.error("'\(key)' is compared but never evaluated", at: rangeOfCell(c.cell),
                                          hint: "add evaluate(\(key), on: ..., with: ...)"))
            }
        }
        for e in interpretation.expectations {
            for r in e.term.references where evaluated[r.model]?[r.task] == nil {
                diagnostics.append(.error("'\(r.model)' is never evaluated on \(r.task), so this expectation cannot be checked",
                                          at: e.range, hint: "evaluate \(r.model) on \(r.task), or expect something that is run"))
            }
            plan.expectations.append(Expectation(source: e.source, line: e.range.start.line, column: e.range.start.column,
                                                 cell: e.cell, term: e.term, claim: e.claim))
        }
        checkPairedSettings()
        warnAboutUnused()
        warnAboutUnusedServedNames()
        if plan.runs.isEmpty {
            diagnostics.append(.warning("the experiment evaluates nothing", at: .zero, hint: "add evaluate(model, on: tasks, with: engine)"))
        }
        return (plan, diagnostics)
    }

    /// A model or engine that is bound but never used would still be resolved by `lock`.
    private mutating func warnAboutUnused() {
        for binding in interpretation.topLevelBindings {
            switch binding.object.typeName {
            case ArenaBuiltins.TypeName.model where !plan.models.contains { $0.key == binding.name }
                && !plan.comparisons.contains { [$0.baseline, $0.candidate].contains(binding.name) }:
                diagnostics.append(.warning("model '\(binding.name)' is never evaluated", at: binding.nameRange,
                                            hint: "evaluate it, or remove it so `lock` does not resolve it"))
            case ArenaBuiltins.TypeName.engine where !plan.engines.contains { $0.key == binding.name }:
                diagnostics.append(.warning("engine '\(binding.name)' is never used", at: binding.nameRange,
                                            hint: "pass it as evaluate(..., with: \(binding.name)), or remove it"))
            default:
                break
            }
        }
    }

    /// `served_name:` names a model to a server; a model evaluated only in-process never uses it.
    private mutating func warnAboutUnusedServedNames() {
        for model in plan.models where model.servedName != nil {
            let engines = plan.runs.filter { $0.model == model.key }.compactMap { run in plan.engines.first { $0.key == run.engine } }
            guard !engines.isEmpty, engines.allSatisfy({ $0.kind == .native }) else { continue }
            let range = interpretation.topLevelBindings.first { $0.name == model.key }?.nameRange ?? .zero
            diagnostics.append(.warning("served_name: of model '\(model.key)' is not used: it is evaluated only with native engines", at: range,
                                        hint: "served_name: names the model to a vllm, sglang or endpoint server"))
        }
    }

    /// lm-eval's local-completions client cannot score likelihoods against SGLang: it needs vLLM's
    /// /tokenize endpoints, which SGLang does not serve (lm-eval issue 2982).
    private mutating func checkHarness(engineKey: String, task: TaskDefinition, at range: SourceRange) {
        guard let engine = plan.engines.first(where: { $0.key == engineKey }), engine.kind == .sglang,
              engine.harness == "lm-eval", !task.generates else { return }
        diagnostics.append(.error("lm-eval cannot score \(task.name) against SGLang: its loglikelihood requests need vLLM's tokenizer endpoints",
                                  at: range, hint: "use harness: \"native\" on '\(engineKey)', or a vllm(...) engine"))
    }

    private mutating func checkName(at range: SourceRange) {
        let ok = !plan.name.isEmpty && !plan.name.hasPrefix(".") && plan.name.unicodeScalars.allSatisfy {
            ValueRules.isAlphanumeric($0) || "._-".unicodeScalars.contains($0)
        }
        if !ok {
            diagnostics.append(.error("experiment name \"\(plan.name)\" cannot name a results folder", at: range,
                                      hint: "use letters, digits, '.', '_' and '-'"))
        }
    }

    func rangeOfCell(_ cell: Int) -> SourceRange {
        plan.cells.indices.contains(cell) ? plan.cells[cell].range : .zero
    }

    private mutating func addRun(_ event: HostEvent) {
        guard case .record(let payload) = event.payload, let model = payload["model"]?.hostValue else { return }
        let modelKey = addModel(model)
        let engineKey: String
        if let engine = payload["engine"]?.hostValue { engineKey = addEngine(engine) } else { engineKey = addDefaultEngine() }
        var selections: [TaskSelection] = []
        for task in payload["tasks"]?.listValue?.compactMap(\.hostValue) ?? [] {
            var datasetKey: String?
            if let dataset = task["dataset"]?.hostValue { datasetKey = addDataset(dataset) }
            for info in TaskSignatures.expand(task["name"]?.stringValue ?? "") {
                if let first = evaluated[modelKey]?[info.name] {
                    diagnostics.append(.error("'\(modelKey)' is already evaluated on \(info.name)", at: event.range,
                                              hint: "the first run is planned at line \(first.start.line); bind a second model(...) to compare engines"))
                    continue
                }
                evaluated[modelKey, default: [:]][info.name] = event.range
                checkHarness(engineKey: engineKey, task: info, at: event.range)
                if let datasetKey { checkDataset(datasetKey, for: info, at: event.range, fewshot: task["fewshot"]?.integerValue) }
                var generation: [String: Double] = [:]
                if case .record(let g)? = task["generation"] { for (k, v) in g { generation[k] = v.numberValue } }
                checkSampling(engineKey: engineKey, task: info, generation: generation, at: task.range(of: "generation"))
                selections.append(TaskSelection(name: info.name, fewshot: task["fewshot"]?.integerValue, limit: task["limit"]?.integerValue,
                                                dataset: datasetKey, generation: generation))
            }
        }
        if !selections.isEmpty {
            plan.runs.append(PlannedRun(model: modelKey, engine: engineKey, tasks: selections, cell: event.cell))
        }
    }

    /// A local dataset must give every split the task reads at this few-shot count
    /// (`TaskDefinition.splitsRead`, which the document loader reads too).
    private mutating func checkDataset(_ key: String, for task: TaskDefinition, at range: SourceRange, fewshot: Int?) {
        guard let spec = plan.datasets.first(where: { $0.key == key }), spec.isLocalPath else { return }
        for split in task.splitsRead(fewshot: fewshot) where spec.files[split] == nil {
            if split == task.dataset.evalSplit {
                diagnostics.append(.error("\(task.name) scores the '\(split)' split, which dataset '\(key)' does not give", at: range,
                                          hint: "add \(split): \"file\" to the dataset"))
            } else {
                diagnostics.append(.error("\(task.name) draws few-shot examples from the '\(split)' split, which dataset '\(key)' does not give",
                                          at: range, hint: "add \(split): \"file\" to the dataset, or set fewshot: 0"))
            }
        }
    }

    /// The task's generation settings (its own, with `generation:` applied) must be ones the
    /// engine decodes with (`EngineCapabilities.sampling`, which the native engine reads too).
    private mutating func checkSampling(engineKey: String, task: TaskDefinition, generation: [String: Double], at range: SourceRange) {
        guard let engine = plan.engines.first(where: { $0.key == engineKey }),
              let settings = task.generation?.applying(generation),
              let problem = engine.kind.capabilities.sampling.problem(settings) else { return }
        diagnostics.append(.error("\(task.name) on '\(engineKey)': the \(engine.kind.rawValue) engine \(problem)", at: range,
                                  hint: "sampling needs a server engine (vllm, sglang or endpoint)"))
    }

    private mutating func addModel(_ object: HostObject) -> String {
        let key = interpretation.name(of: object)
        if !plan.models.contains(where: { $0.key == key }) {
            places.models[key] = object.range(of: "id")
            plan.models.append(ModelSpec(key: key, id: object["id"]?.stringValue ?? "", revision: object["revision"]?.stringValue ?? "main",
                                         isLocalPath: object["local"]?.boolValue ?? false, servedName: object["served_name"]?.stringValue,
                                         file: object["file"]?.stringValue))
        }
        return key
    }

    private mutating func addDefaultEngine() -> String {
        if !plan.engines.contains(where: { $0.key == "native" }) { plan.engines.append(EngineSpec(key: "native", kind: .native)) }
        return "native"
    }

    private mutating func addEngine(_ object: HostObject) -> String {
        let key = interpretation.name(of: object)
        guard !plan.engines.contains(where: { $0.key == key }) else { return key }
        let int = { (name: String) in object[name]?.integerValue }
        let string = { (name: String) in object[name]?.stringValue }
        let tp = int("tp") ?? 1
        let gpu = string("gpu").map { g in ArenaBuiltins.knownGPUs.first { $0.lowercased() == g.lowercased() } ?? g }
        let harness = string("harness").flatMap { $0 == "native" ? nil : $0 }
        plan.engines.append(EngineSpec(
            key: key, kind: EngineKind(rawValue: string("kind") ?? "") ?? .native, image: string("image"), command: string("command"),
            url: string("url"), gpu: gpu, gpuCount: int("gpus") ?? tp, tensorParallel: tp, precision: string("precision"),
            maxModelLength: int("max_model_len"), gpuMemoryFraction: object["gpu_memory_utilization"]?.numberValue,
            extraArgs: object["args"]?.listValue?.compactMap(\.stringValue) ?? [], concurrency: int("concurrency"),
            batchSize: int("batch_size"), harness: harness, threads: int("threads")))
        return key
    }

    private mutating func addDataset(_ object: HostObject) -> String {
        let key = interpretation.name(of: object)
        guard !plan.datasets.contains(where: { $0.key == key }) else { return key }
        var files: [String: String] = [:]
        for split in ArenaBuiltins.datasetSplits {
            if let f = object[split]?.stringValue {
                files[split] = f
                places.datasetFiles[key, default: [:]][split] = object.range(of: split)
            }
        }
        let hub = object["hub"]?.stringValue
        let firstFile = ArenaBuiltins.datasetSplits.compactMap { files[$0] }.first ?? ""
        plan.datasets.append(DatasetSpec(key: key, id: hub ?? firstFile, revision: object["revision"]?.stringValue ?? "main",
                                         config: object["config"]?.stringValue, isLocalPath: hub == nil, files: files))
        return key
    }

    private mutating func addComparison(_ event: HostEvent) {
        guard case .record(let payload) = event.payload, let a = payload["baseline"]?.hostValue, let b = payload["candidate"]?.hostValue else { return }
        plan.comparisons.append(Comparison(baseline: interpretation.name(of: a), candidate: interpretation.name(of: b), cell: event.cell,
                                           allowDifferentSettings: payload["allow_different_settings"]?.boolValue ?? false))
        comparisonRanges.append(event.range)
    }

    private mutating func setTolerance(_ event: HostEvent) {
        guard let object = event.payload.hostValue else { return }
        if plan.tolerance != nil {
            diagnostics.append(.error("tolerance is set twice", at: event.range, hint: "keep one tolerance(...)"))
            return
        }
        plan.tolerance = Tolerance(absolute: object["abs"]?.numberValue ?? 0, alpha: object["alpha"]?.numberValue ?? 0.05)
    }
}

extension ExperimentPlan {
    /// The cell whose source range holds `line`, for placing a diagnostic in the report.
    public func cellIndex(containing line: Int) -> Int? {
        cells.first { $0.range.start.line <= line && line <= $0.range.end.line }?.index
    }

    /// The warnings found in one cell, in source order.
    public func warnings(inCell index: Int) -> [Diagnostic] {
        warnings.filter { cellIndex(containing: $0.line) == index }
    }
}
