import Foundation

/// What a bundle must hold for its lockfile, rebuilt from the lockfile alone: a results file per
/// model the runs name, with that model's locked id and revision and the experiment's seed and
/// limit; a result per (model, task) the runs name and none other, with the run's few-shot count,
/// limit, the task's configuration and primary metric, and the data the lockfile pins (the local
/// files' sha256, or the Hub commit).
enum LockfileCoverage {
    /// One (model, task) the lockfile runs, with the engine and the task's selection.
    struct Cell {
        var run: Int
        var model: String
        var engine: String
        var selection: TaskSelection

        /// The key the bundle files the model under.
        var bundleModel: String { BundleLayout.fileSafe(model) }
    }

    /// Every (model, task) of the lockfile's runs in run order; a task a model runs twice counts once.
    static func cells(_ lock: Lockfile) -> [Cell] {
        var seen = Set<[String]>()
        var cells: [Cell] = []
        for (index, run) in lock.runs.enumerated() {
            for selection in run.tasks where seen.insert([run.model, selection.name]).inserted {
                cells.append(Cell(run: index + 1, model: run.model, engine: run.engine, selection: selection))
            }
        }
        return cells
    }

    /// The dataset fields `TaskDataOrigin.applied(to:)` writes into a task's config.
    static let dataFields: Set<String> = ["dataset_path", "dataset_name", "dataset_kwargs", "data_files_sha256"]

    static func differences(lock: Lockfile, contents: BundleContents, bundle: URL) -> [String] {
        var found: [String] = []
        let cells = cells(lock)
        let expectedModels = cells.map(\.bundleModel)
        for model in contents.models where !expectedModels.contains(model.key) {
            found.append("\(BundleLayout.results(model: model.key)): model '\(model.key)' is not run by the lockfile")
        }
        var outcomes: [[String]: TaskOutcome] = [:]
        for outcome in contents.tasks { outcomes[[outcome.model, outcome.task]] = outcome }
        var checkedModels = Set<String>()
        for cell in cells {
            let results = BundleLayout.results(model: cell.bundleModel)
            guard let model = contents.models.first(where: { $0.key == cell.bundleModel }) else {
                if checkedModels.insert(cell.bundleModel).inserted {
                    let tasks = cells.filter { $0.model == cell.model }.map(\.selection.name)
                    found.append("\(results): missing; the lockfile runs model '\(cell.model)' on \(tasks.joined(separator: ", ")) (run.\(cell.run))")
                }
                continue
            }
            if checkedModels.insert(cell.bundleModel).inserted {
                found += modelDifferences(model, lock: lock, cell: cell, bundle: bundle)
            }
            guard let outcome = outcomes[[cell.bundleModel, cell.selection.name]] else {
                found.append("\(results): no result for \(cell.model)/\(cell.selection.name), which the lockfile runs (run.\(cell.run))")
                continue
            }
            found += taskDifferences(outcome, cell: cell, lock: lock)
        }
        let expectedCells = Set(cells.map { [$0.bundleModel, $0.selection.name] })
        for outcome in contents.tasks where !expectedCells.contains([outcome.model, outcome.task]) && expectedModels.contains(outcome.model) {
            found.append("\(BundleLayout.results(model: outcome.model)): \(outcome.model)/\(outcome.task) is not run by the lockfile")
        }
        return found
    }

    static func modelDifferences(_ model: BundleModel, lock: Lockfile, cell: Cell, bundle: URL) -> [String] {
        var found: [String] = []
        let results = BundleLayout.results(model: model.key)
        guard let locked = lock.model(cell.model) else {
            return ["\(results): the lockfile runs model '\(cell.model)' but pins no model.\(cell.model)"]
        }
        if model.id != locked.id { found.append("\(results): model_name '\(model.id)', the lockfile's model.\(cell.model).id is '\(locked.id)'") }
        if model.revision != locked.sha {
            found.append("\(results): model_revision '\(model.revision)', the lockfile's model.\(cell.model).sha is '\(locked.sha)'")
        }
        // The run settings results.json records, as `ResultsFile` writes them from the lockfile's seed and limit.
        let expected = ResultsFile.json(model: model, tasks: [], seed: lock.experiment.seed, limit: lock.experiment.limit)["config"]
        let recorded = (try? JSONValue.parse(Data(contentsOf: bundle.appendingPathComponent(results))))?["config"]
        for key in Set(expected?.objectValue?.keys ?? [:].keys).union(recorded?.objectValue?.keys ?? [:].keys).sorted()
        where expected?[key] != recorded?[key] {
            found.append("\(results): config.\(key) recorded \(ResponseRescorer.short(recorded?[key])), the lockfile gives \(ResponseRescorer.short(expected?[key]))")
        }
        return found
    }

    static func taskDifferences(_ outcome: TaskOutcome, cell: Cell, lock: Lockfile) -> [String] {
        let results = BundleLayout.results(model: outcome.model)
        let name = "\(outcome.model)/\(outcome.task)"
        guard let definition = try? cell.selection.scoredDefinition() else {
            return ["\(results): \(name): task '\(cell.selection.name)' is not in this version's task catalog"]
        }
        var found: [String] = []
        let nShot = definition.effectiveFewshot(requested: cell.selection.fewshot)
        if outcome.nShot != nShot { found.append("\(results): \(name) n-shot recorded \(outcome.nShot), the lockfile gives \(nShot)") }
        let primary = TaskScore.primaryMetric(definition)
        if outcome.primaryMetric != primary {
            found.append("\(results): \(name) primary_metric recorded \(outcome.primaryMetric), the task's is \(primary)")
        }
        let limit = cell.selection.limit
        let scored = min(outcome.originalCount, max(0, limit ?? outcome.originalCount))
        if outcome.effectiveCount != scored {
            found.append("\(results): \(name) n-samples.effective recorded \(outcome.effectiveCount), the lockfile's limit \(limit.map(String.init) ?? "none") over \(outcome.originalCount) documents gives \(scored)")
        }
        let documents = Set(outcome.samples.compactMap { $0["doc_id"]?.intValue })
        if documents.count != outcome.effectiveCount {
            found.append("\(BundleLayout.samples(model: outcome.model, task: outcome.task)): \(documents.count) documents, n-samples.effective is \(outcome.effectiveCount)")
        }
        // The task's configuration, and the data the lockfile pins for it.
        let expected = TaskScore.config(definition, nShot: nShot).objectValue ?? [:]
        let recorded = outcome.config.objectValue ?? [:]
        for key in Set(expected.keys).union(recorded.keys).sorted() where !dataFields.contains(key) && expected[key] != recorded[key] {
            found.append("\(results): \(name) configs.\(key) recorded \(ResponseRescorer.short(recorded[key])), the task gives \(ResponseRescorer.short(expected[key]))")
        }
        if let key = cell.selection.dataset, let dataset = lock.dataset(key), dataset.source == .local {
            let hashes = recorded["data_files_sha256"]?.objectValue ?? [:]
            for split in definition.splitsRead(fewshot: cell.selection.fewshot).sorted() {
                let pinned = dataset.fileHashes[split]
                if hashes[split]?.stringValue != pinned {
                    found.append("\(results): \(name) configs.data_files_sha256.\(split) recorded \(ResponseRescorer.short(hashes[split])), the lockfile's dataset.\(key).file_sha256.\(split) is \(pinned ?? "absent")")
                }
            }
        } else {
            let sha = cell.selection.dataset.flatMap { lock.dataset($0)?.sha } ?? lock.taskDataset(definition.dataset.path)?.sha
            let revision = recorded["dataset_kwargs"]?["revision"]?.stringValue
            if revision != sha {
                found.append("\(results): \(name) configs.dataset_kwargs.revision recorded \(revision ?? "nothing"), the lockfile pins \(sha ?? "nothing")")
            }
        }
        return found
    }
}
