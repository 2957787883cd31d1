import ArenaScript
import Foundation

/// Where a plan's local files were named in the experiment: the `id` argument of each model and
/// the split arguments of each dataset, by key.
struct PlanPlaces {
    var models: [String: SourceRange] = [:]
    var datasetFiles: [String: [String: SourceRange]] = [:]
}

/// What `check` (and so `lock` and `run`, before anything is resolved or requested) asks of the
/// local files a plan names, with no network: every local model holds what its engine needs
/// (`LocalModelCheck`, which the engine provider asks again), and every local data file a task
/// reads parses and gives, on every row, every field the task reads. Rows are checked by the
/// scorer's own preparation (`TaskScorer.checkDocuments`), so a row `check` accepts is one `run`
/// can score. Each problem is a diagnostic at the argument that named the file, with the data
/// file's line and row in the message.
struct PlanFileCheck {
    let plan: ExperimentPlan
    let places: PlanPlaces
    let experimentDirectory: URL

    func diagnostics() -> [Diagnostic] {
        modelDiagnostics() + dataDiagnostics()
    }

    private func modelDiagnostics() -> [Diagnostic] {
        var out: [Diagnostic] = []
        var checked = Set<String>()
        for run in plan.runs {
            guard let model = plan.models.first(where: { $0.key == run.model }),
                  let engine = plan.engines.first(where: { $0.key == run.engine }) else { continue }
            if model.file != nil, engine.kind != .native, checked.insert("\(model.key) file \(engine.kind)").inserted {
                out.append(.error("model '\(model.key)': file: is read by the native engine only; the \(engine.kind.rawValue) engine '\(engine.key)' is given the repository",
                                  at: places.models[model.key] ?? .zero, hint: "evaluate a model with file: on native()"))
            }
            guard model.isLocalPath else { continue }
            let needs = engine.kind.capabilities.localModel
            guard checked.insert("\(model.key) \(needs)").inserted,
                  let problem = LocalModelCheck.problem(resolvePath(model.id, against: experimentDirectory), needs: needs) else { continue }
            out.append(.error("model '\(model.key)': \(model.id) \(problem)", at: places.models[model.key] ?? .zero,
                              hint: Self.hint(needs, engine: engine.kind)))
        }
        return out
    }

    static func hint(_ needs: LocalModelNeeds, engine: EngineKind) -> String {
        "the \(engine.rawValue) engine needs \(needs.summary); a local path is read from the experiment file's folder"
    }

    private typealias NumberedRows = [(line: Int?, row: JSONValue)]

    private func dataDiagnostics() -> [Diagnostic] {
        var out: [Diagnostic] = []
        var parsed: [String: NumberedRows] = [:]
        var unreadable = Set<String>()
        // `lock` hashes every file a dataset names, read by a task or not: each must exist.
        for spec in plan.datasets where spec.isLocalPath {
            for split in ArenaBuiltins.datasetSplits {
                guard let file = spec.files[split], !unreadable.contains(file), let problem = Self.missing(file, from: experimentDirectory) else { continue }
                unreadable.insert(file)
                out.append(.error(problem, at: place(spec.key, split), hint: "a data file is read from the experiment file's folder"))
            }
        }
        var checked = Set<String>()
        for selection in plan.runs.flatMap(\.tasks) {
            guard let key = selection.dataset, let spec = plan.datasets.first(where: { $0.key == key }), spec.isLocalPath,
                  let task = try? TaskCatalog.task(named: selection.name),
                  checked.insert("\(key) \(task.name) \(task.effectiveFewshot(requested: selection.fewshot))").inserted else { continue }
            var rows: [String: NumberedRows] = [:]
            for split in task.splitsRead(fewshot: selection.fewshot) {
                // A split the dataset does not give is the plan builder's error.
                guard let file = spec.files[split], !unreadable.contains(file) else { continue }
                if let known = parsed[file] { rows[split] = known; continue }
                do {
                    let read = try Self.read(file, from: experimentDirectory)
                    parsed[file] = read
                    rows[split] = read
                } catch {
                    unreadable.insert(file)
                    out.append(.error("\(error)", at: place(key, split),
                                      hint: "a data file is read from the experiment file's folder"))
                }
            }
            let splits = task.splitsRead(fewshot: selection.fewshot)
            guard splits.allSatisfy({ rows[$0] != nil }) else { continue }
            let eval = rows[task.dataset.evalSplit] ?? []
            let fewshot = task.dataset.fewshotSplit.flatMap { rows[$0] } ?? []
            let documents = TaskDocuments(eval: eval.map(\.row), fewshot: fewshot.map(\.row))
            do {
                try TaskScorer.checkDocuments(task: task, documents: documents,
                                              options: ScoringOptions(numFewshot: selection.fewshot, fewshotSeed: plan.seed))
            } catch let error as TaskDocumentError {
                let split = error.split ?? task.dataset.evalSplit
                let file = spec.files[split] ?? spec.id
                let numbered = rows[split] ?? []
                let position = error.row.map { row in
                    let line = numbered.indices.contains(row) ? numbered[row].line : nil
                    return (line.map { "\(file):\($0): " } ?? "\(file): ") + "row \(row + 1)"
                } ?? file
                out.append(.error("\(position): \(task.name) reads field '\(error.field)': \(error.reason)", at: place(key, split),
                                  hint: "rows must have the columns of \(task.name)'s Hub dataset (\(task.dataset.path))"))
            } catch let error as FewShotError {
                let split = task.dataset.fewshotSplit ?? task.dataset.evalSplit
                out.append(.error("\(spec.files[split] ?? spec.id): \(error)", at: place(key, split),
                                  hint: "give more few-shot rows, or ask for fewer with fewshot:"))
            } catch {
                let split = task.dataset.evalSplit
                out.append(.error("\(spec.files[split] ?? spec.id): \(error)", at: place(key, split)))
            }
        }
        return out
    }

    private func place(_ dataset: String, _ split: String) -> SourceRange {
        places.datasetFiles[dataset]?[split] ?? .zero
    }

    private struct Unreadable: Error, CustomStringConvertible {
        let description: String
    }

    /// Why `file` is not a data file that exists, or nil.
    private static func missing(_ file: String, from directory: URL) -> String? {
        let url = resolvePath(file, against: directory)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            return "data file \(file) does not exist (looked for \(url.path))"
        }
        return isFolder.boolValue ? "data file \(file) is a folder, not a data file" : nil
    }

    /// A local data file's rows, each with its line where the format has lines; parse errors
    /// name the file as the experiment wrote it.
    private static func read(_ file: String, from directory: URL) throws -> NumberedRows {
        if let problem = missing(file, from: directory) { throw Unreadable(description: problem) }
        let url = resolvePath(file, against: directory)
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw Unreadable(description: "data file \(file) cannot be read: \(error.localizedDescription)")
        }
        return try DatasetLoader.numberedRows(data, path: url.path, name: file)
    }
}
