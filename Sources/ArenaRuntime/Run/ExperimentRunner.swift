import ArenaScript
import Foundation

/// `arena-script FILE`: check, lock (reusing the lockfile when it matches), execute every planned
/// run, evaluate the expectations, and write the result bundle.
public struct ExperimentRunner: Sendable {
    public struct Options: Sendable {
        public var locked = false
        public var offline = false
        public var noGit = false
        /// Where `results/` goes; nil puts it beside `lockfiles/` (the repository root).
        public var resultsRoot: URL?

        public init(locked: Bool = false, offline: Bool = false, noGit: Bool = false, resultsRoot: URL? = nil) {
            self.locked = locked
            self.offline = offline
            self.noGit = noGit
            self.resultsRoot = resultsRoot
        }
    }

    public struct Outcome: Sendable {
        public var bundle: URL
        public var expectations: [ExpectationResult]
        public var failedExpectations: Int { expectations.filter { $0.verdict == .failed }.count }
        public var inconclusiveExpectations: Int { expectations.filter { $0.verdict == .inconclusive }.count }
    }

    public var lockService: LockService
    public var engines: any EngineProvider
    public var datasets: DatasetLoader
    public var log: @Sendable (String) -> Void
    /// Prompts done per model and task, when given.
    public var progress: ProgressReporter?

    public init(lockService: LockService, engines: any EngineProvider, datasets: DatasetLoader, progress: ProgressReporter? = nil,
                log: @escaping @Sendable (String) -> Void) {
        self.lockService = lockService
        self.engines = engines
        self.datasets = datasets
        self.progress = progress
        self.log = log
    }

    public func run(path: String, options: Options) async throws -> Outcome {
        let started = Date()
        // Read the file below the lock service's folder (the process's own folder for the CLI, where
        // the path stays as given so diagnostics name it as the user wrote it).
        let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL.path
        let readable = here == lockService.currentDirectory.standardizedFileURL.path ? path
            : resolvePath(path, against: lockService.currentDirectory).path
        var plan = try PlanLoader.load(path: readable)
        plan.sourcePath = path
        let (lockOutcome, lockfile) = try await lockService.lockAndLoad(plan, options: .init(locked: options.locked, offline: options.offline, noGit: options.noGit))
        switch lockOutcome {
        case let .written(path): log("lock: wrote \(path)")
        case let .unchanged(path), let .upToDate(path): log("lock: \(path) is up to date")
        }
        let pinned = try lockfile.pinning(plan)
        let lockText = LockfileWriter.render(lockfile)
        let lockURL = resolvePath(lockOutcome.path, against: lockService.currentDirectory)
        let experimentFile = resolvePath(plan.sourcePath, against: lockService.currentDirectory)
        let experimentDirectory = experimentFile.deletingLastPathComponent()
        let documents = TaskDocumentsLoader(loader: datasets, experimentDirectory: experimentDirectory,
                                            root: Lockfile.root(ofLockfileAt: lockURL))

        var outcomes: [TaskOutcome] = []
        var models: [BundleModel] = []
        var logs: [String: String] = [:]
        var engineFacts: [String: JSONValue] = [:]
        var dataFiles: [String: JSONValue] = [:]
        // One engine (one server) per (model, engine) for all of that model's tasks; one after another.
        for run in Self.engineRuns(pinned.runs) {
            guard let model = pinned.models.first(where: { $0.key == run.model }),
                  let engineSpec = pinned.engines.first(where: { $0.key == run.engine }) else { continue }
            log("[\(model.key)] starting \(engineSpec.kind.rawValue) engine")
            let handle = try await engines.start(model: model, engine: engineSpec, seed: pinned.seed,
                                                 experimentDirectory: experimentDirectory, progress: progress)
            var facts = handle.environment
            let firstOutcome = outcomes.count
            var origins: [String: TaskDataOrigin] = [:]
            do {
                var tasks: [LMEvalDelegation.DelegatedTask] = []
                for selection in run.tasks {
                    let definition = try selection.scoredDefinition()
                    let (docs, files, origin) = try documents.documents(for: definition, selection: selection, plan: pinned, lockfile: lockfile)
                    origins[definition.name] = origin
                    let options = selection.scoringOptions(experimentLimit: pinned.limit, seed: pinned.seed)
                    tasks.append(.init(definition: definition, selection: selection, documents: docs, options: options))
                    dataFiles[definition.name] = .array(files.map(\.json))
                }
                if engineSpec.harness == "lm-eval" {
                    let delegated = try await delegate(tasks, model: model, engine: engineSpec, handle: handle, lockfile: lockfile, seed: pinned.seed,
                                                       defaultLimit: pinned.limit)
                    outcomes += delegated.outcomes
                    logs[model.key, default: ""] += delegated.log
                    facts = Self.merging(facts, ["harness": .object(["name": .string("lm-eval"), "version": .string(delegated.version)])])
                } else {
                    for task in tasks {
                        progress?.setLabel("\(model.key) · \(task.definition.name)")
                        let taskStart = Date()
                        let score = try await TaskScorer(engine: handle.engine).score(task: task.definition, documents: task.documents, options: task.options)
                        log("[\(model.key)] \(task.definition.name): \(score.effectiveCount) documents in \(String(format: "%.1f", Date().timeIntervalSince(taskStart))) s")
                        let outcome = score.outcome(model: model.key, task: task.definition)
                        if let warning = outcome.truncation?.warning(model: model.key, task: outcome.task, of: outcome.effectiveCount) {
                            log("warning: \(warning)")
                        }
                        outcomes.append(outcome)
                    }
                }
            } catch {
                await handle.stop()
                throw error
            }
            await handle.stop()
            // results.json names the data each task read, not the task's default dataset.
            for i in firstOutcome..<outcomes.count {
                if let origin = origins[outcomes[i].task] { outcomes[i].config = origin.applied(to: outcomes[i].config) }
            }
            if !models.contains(where: { $0.key == model.key }) {
                models.append(BundleModel(key: model.key, id: model.id, revision: lockfile.model(model.key)?.sha ?? model.revision,
                                          engine: handle.engine.identity))
            }
            logs[model.key, default: ""] += handle.log()
            engineFacts[model.key] = facts
        }

        let expectations = pinned.expectations.map { expectation in
            Self.evaluate(expectation, outcomes: outcomes, seed: pinned.seed)
        }
        let contents = BundleContents(
            experiment: pinned.name, experimentSource: pinned.source, lockfileText: lockText, models: models, tasks: outcomes,
            expectations: expectations, engineLogs: logs,
            environment: .object([
                "experiment": .string(pinned.name),
                "models": .array(models.map { .string($0.key) }),
                "arena_script_version": .string(ToolVersion.current),
                "engines": .object(engineFacts),
                "data_files": .object(dataFiles),
            ]),
            timing: .object(["started_unix": .double(started.timeIntervalSince1970.rounded()),
                             "wall_seconds": .double((Date().timeIntervalSince(started) * 1000).rounded() / 1000)]))
        let resultsRoot = options.resultsRoot ?? lockURL.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("results")
        let directory = BundleLayout.directory(resultsRoot: resultsRoot, experiment: pinned.name, runID: BundleLayout.runID(lockfileText: lockText))
        let report = ReportBuilder(plan: pinned, contents: contents, facts: Self.facts(lockfile: lockfile))
        try BundleWriter(contents: contents, seed: pinned.seed, limit: pinned.limit).write(to: directory, report: report, font: try FontRenderer())
        return Outcome(bundle: directory, expectations: expectations)
    }

    static func evaluate(_ expectation: Expectation, outcomes: [TaskOutcome], seed: Int) -> ExpectationResult {
        if let claim = expectation.claim {
            return evaluate(claim, source: expectation.source, line: expectation.line, outcomes: outcomes, seed: seed)
        }
        func value(_ reference: ResultReference) -> Double? {
            guard let key = TaskSignatures.lmEvalKey(task: reference.task, metric: reference.metric) else { return nil }
            return outcomes.first { $0.model == reference.model && $0.task == reference.task }?.metrics[key]
        }
        let values = expectation.references.map { ref in "\(ref) = \(value(ref).map { String(format: "%.4f", $0) } ?? "missing")" }
        switch expectation.evaluate(value) {
        case .passed:
            return ExpectationResult(source: expectation.source, line: expectation.line, passed: true, detail: values.joined(separator: ", "))
        case .failed:
            return ExpectationResult(source: expectation.source, line: expectation.line, passed: false, detail: values.joined(separator: ", "))
        case let .unresolved(missing):
            return ExpectationResult(source: expectation.source, line: expectation.line, passed: false,
                                     detail: "no result for " + missing.map(\.description).joined(separator: ", "))
        }
    }

    static func facts(lockfile: Lockfile) -> [(String, String)] {
        var facts: [(String, String)] = [("experiment file", "\(lockfile.experiment.file) sha256:\(lockfile.experiment.sha256.prefix(16))")]
        if let git = lockfile.git {
            var changes: [String] = []
            if git.dirty { changes.append("changed: " + git.dirtyPaths.joined(separator: ", ")) }
            if git.otherDirtyCount > 0 { changes.append("\(git.otherDirtyCount) other path\(git.otherDirtyCount == 1 ? "" : "s") changed") }
            facts.append(("git commit", (git.head ?? "none") + (changes.isEmpty ? "" : " (" + changes.joined(separator: "; ") + ")")))
            if let branch = git.branch { facts.append(("branch", branch)) }
        }
        for engine in lockfile.engines {
            if let harness = engine.spec.harness, let version = engine.harnessVersion {
                facts.append(("harness", "\(harness) \(version) (engine '\(engine.spec.key)')"))
            }
        }
        facts.append(("seed", String(lockfile.experiment.seed)))
        facts.append(("arena-script", lockfile.toolVersion))
        return facts
    }
}

extension ExperimentRunner {
    /// Executes the locked experiment again into a temporary folder (pins only from the lockfile,
    /// no request cache) and compares it with the recorded bundle.
    public func rerun(lockfile path: String, recorded bundle: URL) async throws -> RerunComparison {
        let lockURL = URL(fileURLWithPath: path).standardizedFileURL
        let lock = try LockfileReader.read(path: path)
        let root = Lockfile.root(ofLockfileAt: lockURL)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("arena-rerun-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var service = lockService
        service.currentDirectory = root
        let runner = ExperimentRunner(lockService: service, engines: engines, datasets: datasets, progress: progress, log: log)
        let outcome = try await runner.run(path: lock.experiment.file,
                                           options: .init(locked: true, offline: true, noGit: lock.git == nil, resultsRoot: scratch))
        return RerunComparison(recorded: try BundleReader.read(bundle), rerun: try BundleReader.read(outcome.bundle),
                               tolerance: lock.experiment.tolerance, seed: lock.experiment.seed)
    }
}

extension ExperimentRunner {
    /// The planned runs merged per (model, engine), in order of first appearance, tasks in plan order.
    static func engineRuns(_ runs: [PlannedRun]) -> [PlannedRun] {
        var merged: [PlannedRun] = []
        for run in runs {
            if let i = merged.firstIndex(where: { $0.model == run.model && $0.engine == run.engine }) {
                merged[i].tasks += run.tasks
            } else {
                merged.append(run)
            }
        }
        return merged
    }

    /// `harness: "lm-eval"`: the model's tasks through lm-evaluation-harness against the engine's server.
    func delegate(_ tasks: [LMEvalDelegation.DelegatedTask], model: ModelSpec, engine: EngineSpec, handle: EngineHandle, lockfile: Lockfile,
                  seed: Int, defaultLimit: Int?) async throws -> LMEvalDelegation.Outcome {
        guard let endpoint = handle.endpoint else {
            throw EngineProviderError.unsupported(engine: engine.key, reason: "harness \"lm-eval\" needs a server engine (vllm, sglang or endpoint)")
        }
        let delegation = LMEvalDelegation(installation: lockService.resolver.lmEval, lockedVersion: lockfile.engine(engine.key)?.harnessVersion,
                                          endpoint: endpoint, engine: engine, seed: seed)
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("arena-lm-eval-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        log("[\(model.key)] \(tasks.map(\.definition.name).joined(separator: ", ")): running lm-eval (\(delegation.installation.python)) against \(endpoint.baseURL)")
        let started = Date()
        let outcome = try await delegation.run(model: model.key, tasks: tasks, defaultLimit: defaultLimit, workDirectory: work)
        log("[\(model.key)] lm-eval \(outcome.version): \(outcome.outcomes.map { "\($0.task) \($0.effectiveCount) documents" }.joined(separator: ", ")) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        if !outcome.disagreements.isEmpty {
            log("warning: [\(model.key)] lm-eval and arena-script's scorer differ on \(outcome.disagreements.count) per-document values (lm-eval's are recorded); first: \(outcome.disagreements[0])")
        }
        return outcome
    }

    static func merging(_ value: JSONValue, _ fields: [String: JSONValue]) -> JSONValue {
        guard case var .object(object) = value else { return .object(fields) }
        for (key, field) in fields { object[key] = field }
        return .object(object)
    }
}
