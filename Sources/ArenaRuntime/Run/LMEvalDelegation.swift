import Foundation

/// `harness: "lm-eval"`: one model's tasks run by lm-evaluation-harness against the engine's server.
/// lm-eval reads exactly the documents the native scorer would (the locked Hub files or the
/// experiment's own, written out as JSONL beside task YAMLs that `include:` lm-eval's built-in
/// ones), and its results and samples come back as task outcomes carrying lm-eval's numbers.
/// Every prompt lm-eval sent is checked against the prompt arena-script builds for that document,
/// and its responses are scored again here, so a bundle from lm-eval verifies like any other.
struct LMEvalDelegation {
    /// A task to delegate, with the documents and settings the native scorer would use.
    struct DelegatedTask {
        var definition: TaskDefinition
        var selection: TaskSelection
        var documents: TaskDocuments
        var options: ScoringOptions
    }

    struct Outcome {
        var outcomes: [TaskOutcome]
        var version: String
        /// lm-eval's own logs, for the bundle's logs/.
        var log: String
        /// Per-document values where lm-eval and arena-script's scorer differ by more than `agreement`.
        var disagreements: [String]
    }

    var installation: LMEvalInstallation
    /// The version the lockfile pins; the run stops when the installed one differs.
    var lockedVersion: String?
    var endpoint: ServedEndpoint
    var engine: EngineSpec
    var seed: Int

    /// How far lm-eval's value (recorded) and arena-script's re-computation of it may differ: the
    /// two compute the same formulas with different float operation orders (numpy's pairwise sums,
    /// `np.exp` over a vector), so they agree to about 1e-15, not always to the last bit. The import
    /// logs a disagreement past it, and `verify` accepts a harness bundle's values within it.
    static let agreement = 1e-9

    static func agrees(_ recorded: Double, _ computed: Double) -> Bool {
        abs(recorded - computed) <= agreement || (recorded.isNaN && computed.isNaN)
    }

    /// lm-eval 0.4.13's YAML for each task, under its `tasks/` folder.
    static let builtinYAML: [String: String] = [
        "arc_easy": "arc/arc_easy.yaml", "arc_challenge": "arc/arc_challenge.yaml", "hellaswag": "hellaswag/hellaswag.yaml",
        "mathqa": "mathqa/mathqa.yaml", "truthfulqa_mc1": "truthfulqa/truthfulqa_mc1.yaml",
        "truthfulqa_mc2": "truthfulqa/truthfulqa_mc2.yaml", "truthfulqa_gen": "truthfulqa/truthfulqa_gen.yaml",
        "drop": "drop/default.yaml", "gsm8k": "gsm8k/gsm8k.yaml",
        "mmlu_abstract_algebra": "mmlu/default/mmlu_abstract_algebra.yaml",
        "mmlu_college_mathematics": "mmlu/default/mmlu_college_mathematics.yaml",
    ]

    func run(model: String, tasks: [DelegatedTask], defaultLimit: Int?, workDirectory: URL) async throws -> Outcome {
        guard let facts = installation.facts() else {
            throw LMEvalDelegationError.notInstalled(engine: engine.key, python: installation.python)
        }
        if let lockedVersion, lockedVersion != facts.version {
            throw LMEvalDelegationError.versionMismatch(engine: engine.key, locked: lockedVersion, installed: facts.version, python: installation.python)
        }
        let includePath = workDirectory.appendingPathComponent("tasks")
        for task in tasks { try writeTask(task, tasksDirectory: facts.tasksDirectory, to: includePath, data: workDirectory.appendingPathComponent("data")) }
        let harness = LMEvalHarness(
            python: installation.python, baseURL: endpoint.baseURL, model: endpoint.model, batchSize: engine.batchSize ?? 8,
            concurrency: engine.concurrency ?? CurlMultiClient.defaultMaxInFlight, seed: seed, maxLength: endpoint.maxLength ?? engine.maxModelLength,
            includePath: includePath.path,
            environment: ["HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
                          "HF_DATASETS_CACHE": workDirectory.appendingPathComponent("hf-datasets").path])
        let result = try await harness.run(tasks: tasks.map(\.selection), defaultLimit: defaultLimit, workDirectory: workDirectory)
        var outcomes: [TaskOutcome] = []
        var disagreements: [String] = []
        for task in tasks {
            guard let imported = result.tasks.first(where: { $0.task == task.definition.name }) else {
                throw LMEvalDelegationError.taskMissing(task: task.definition.name)
            }
            let (score, differences) = try Self.importScore(imported, task: task)
            outcomes.append(score.outcome(model: model, task: task.definition))
            disagreements += differences
        }
        let logs = (try? FileManager.default.contentsOfDirectory(at: workDirectory, includingPropertiesForKeys: nil)) ?? []
        let log = logs.filter { $0.pathExtension == "log" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
            .map { (try? String(contentsOf: $0, encoding: .utf8)) ?? "" }.joined()
        return Outcome(outcomes: outcomes, version: result.lmEvalVersion ?? facts.version, log: log, disagreements: disagreements)
    }

    /// The task's YAML (JSON, which YAML reads) and its documents as JSONL, one file per split.
    func writeTask(_ task: DelegatedTask, tasksDirectory: URL, to includePath: URL, data: URL) throws {
        let name = task.definition.name
        guard let builtin = Self.builtinYAML[name] else { throw LMEvalDelegationError.unknownTask(task: name) }
        var files: [String: JSONValue] = [:]
        var splits = [(task.definition.dataset.evalSplit, task.documents.eval)]
        if let fewshot = task.definition.dataset.fewshotSplit, fewshot != task.definition.dataset.evalSplit {
            // lm-eval opens the few-shot split even at 0 shots (its sampler is built from it) and
            // refuses an empty file; at 0 shots nothing is drawn, so the eval rows stand in when the
            // few-shot split was not read (`TaskDefinition.splitsRead`).
            let zeroShot = task.definition.effectiveFewshot(requested: task.options.numFewshot) == 0
            splits.append((fewshot, zeroShot && task.documents.fewshot.isEmpty ? task.documents.eval : task.documents.fewshot))
        }
        for (split, rows) in splits {
            let file = data.appendingPathComponent(name).appendingPathComponent("\(split).jsonl")
            // In the data's key order: lm-eval's datasets build their structs from it (DROP's few-shot
            // targets join the keys of `answer`).
            try AtomicFile.write(rows.map { $0.serialized(indent: nil, keyOrder: task.documents.keyOrder) + "\n" }.joined(), to: file)
            files[split] = .string(file.path)
        }
        let yaml = JSONValue.object([
            "include": .string(tasksDirectory.appendingPathComponent(builtin).path),
            "task": .string(name),
            "dataset_path": .string("json"),
            "dataset_name": .null,
            "dataset_kwargs": .object(["data_files": .object(files)]),
        ])
        try AtomicFile.write(yaml.serialized(indent: 1) + "\n", to: includePath.appendingPathComponent("arena_\(name).yaml"))
    }

    /// lm-eval's samples scored again by arena-script (the records' shape, targets and filtered
    /// answers), carrying lm-eval's per-document values and aggregates.
    static func importScore(_ imported: LMEvalTaskResult, task: DelegatedTask) throws -> (TaskScore, [String]) {
        let definition = task.definition
        let name = definition.name
        let prepared = try TaskScorer.prepare(task: definition, documents: task.documents, options: task.options)
        var rowsByDocument: [Int: [JSONValue]] = [:]
        for row in imported.samples {
            guard let id = row["doc_id"]?.intValue, prepared.indices.contains(id) else {
                throw LMEvalDelegationError.malformedSample(task: name, detail: "a sample with doc_id \(row["doc_id"]?.serialized(indent: nil) ?? "missing")")
            }
            rowsByDocument[id, default: []].append(row)
        }
        var samples: [SampleRecord] = []
        var disagreements: [String] = []
        for document in prepared {
            guard let rows = rowsByDocument[document.docID], let first = rows.first else {
                throw LMEvalDelegationError.malformedSample(task: name, detail: "no sample for document \(document.docID)")
            }
            try checkArguments(first, document: document, task: name)
            let responses = try Self.responses(first, generates: definition.outputType == .generateUntil, task: name, docID: document.docID)
            for var record in try DocumentScoring.records(task: definition, document: document, responses: responses) {
                let row = rows.first { ($0["filter"]?.stringValue ?? "none") == record.filter }
                for metric in record.metrics.keys.sorted() {
                    guard let theirs = row?[metric]?.doubleValue, let ours = record.metrics[metric] else { continue }
                    if !Self.agrees(theirs, ours) {
                        disagreements.append("\(name) doc \(document.docID) \(metric),\(record.filter): lm-eval \(PythonFloat.repr(theirs)), arena-script \(PythonFloat.repr(ours))")
                    }
                    record.metrics[metric] = theirs
                }
                samples.append(record)
            }
        }
        var metrics: [String: AggregateValue] = [:]
        for (key, value) in imported.metrics { metrics[key] = value.isNaN ? .notAvailable : .value(value) }
        let score = TaskScore(task: name, version: imported.version ?? definition.version,
                              nShot: imported.numFewshot ?? definition.effectiveFewshot(requested: task.options.numFewshot),
                              originalCount: imported.originalCount ?? task.documents.eval.count, effectiveCount: prepared.count,
                              samples: samples, metrics: metrics)
        return (score, disagreements)
    }

    /// lm-eval's `arguments` (`gen_args_<i>.arg_<j>`) must be the prompts arena-script builds.
    static func checkArguments(_ row: JSONValue, document: PreparedDocument, task: String) throws {
        let arguments = row["arguments"]?.objectValue ?? [:]
        guard arguments.count == document.requests.count else {
            throw LMEvalDelegationError.promptMismatch(task: task, docID: document.docID,
                                                       detail: "\(arguments.count) requests, arena-script builds \(document.requests.count)")
        }
        for (index, request) in document.requests.enumerated() {
            let theirs = arguments["gen_args_\(index)"]
            let ours = request.argumentsJSON.arrayValue ?? []
            var same = theirs?["arg_0"]?.stringValue == ours.first?.stringValue
            if case .loglikelihood = request { same = same && theirs?["arg_1"]?.stringValue == ours.last?.stringValue }
            guard same else {
                throw LMEvalDelegationError.promptMismatch(task: task, docID: document.docID, detail: "request \(index) differs")
            }
        }
    }

    /// lm-eval writes every response as text: `[["-1.25", "False"]]` per loglikelihood request,
    /// `["text"]` per generation.
    static func responses(_ row: JSONValue, generates: Bool, task: String, docID: Int) throws -> [ModelResponse] {
        guard let resps = row["resps"]?.arrayValue else {
            throw LMEvalDelegationError.malformedSample(task: task, detail: "document \(docID) has no resps")
        }
        return try resps.map { entry in
            let response = entry.arrayValue?.first ?? entry
            if generates, let text = response.stringValue { return .generation(text: text) }
            if !generates, let pair = response.arrayValue, pair.count == 2,
               let logprob = pair[0].stringValue.flatMap(Double.init) ?? pair[0].doubleValue,
               let greedy = pair[1].stringValue.map({ $0 == "True" }) ?? pair[1].boolValue {
                return .loglikelihood(logprob: logprob, isGreedy: greedy)
            }
            throw LMEvalDelegationError.malformedSample(task: task, detail: "document \(docID): unreadable response \(response.serialized(indent: nil))")
        }
    }
}

public enum LMEvalDelegationError: Error, CustomStringConvertible, Equatable {
    case notInstalled(engine: String, python: String)
    case versionMismatch(engine: String, locked: String, installed: String, python: String)
    case unknownTask(task: String)
    case taskMissing(task: String)
    case malformedSample(task: String, detail: String)
    case promptMismatch(task: String, docID: Int, detail: String)

    public var description: String {
        switch self {
        case let .notInstalled(engine, python):
            return "engine '\(engine)': harness \"lm-eval\" needs lm-evaluation-harness, which \(python) does not have "
                + "(set \(LMEvalInstallation.environmentVariable) to a python that has it)"
        case let .versionMismatch(engine, locked, installed, python):
            return "engine '\(engine)': the lockfile pins lm-eval \(locked), but \(python) has \(installed); "
                + "install lm-eval==\(locked) there, set \(LMEvalInstallation.environmentVariable), or re-lock"
        case let .unknownTask(task): return "lm-eval delegation does not know task '\(task)'"
        case let .taskMissing(task): return "lm-eval reported no results for \(task)"
        case let .malformedSample(task, detail): return "lm-eval's samples for \(task): \(detail)"
        case let .promptMismatch(task, docID, detail):
            return "lm-eval's prompt for \(task) document \(docID) is not the one arena-script builds (\(detail))"
        }
    }
}
