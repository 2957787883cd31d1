import Foundation

/// What `verify` found: the checks that held and every difference, each naming its file, model,
/// task, document or field; and, where a lockfile differs from another, the unified diffs.
public struct VerificationReport: Sendable {
    public enum Status: Sendable, Equatable { case reproduced, differs }

    public var bundle: URL
    public var checks: [String] = []
    public var differences: [String] = []
    /// Unified diffs of lockfile text: the bundle's recorded lockfile against the one given, and
    /// the given one against what its sources lock to.
    public var diffs: [String] = []
    public var status: Status { differences.isEmpty ? .reproduced : .differs }
}

public enum VerifyError: Error, CustomStringConvertible, Equatable {
    case unreadableLockfile(path: String, reason: String)
    case noBundle(lockfile: String, looked: String)

    public var description: String {
        switch self {
        case let .unreadableLockfile(path, reason): return "\(path): \(reason)"
        case let .noBundle(lockfile, looked):
            return "\(lockfile): no result bundle at \(looked); run the experiment or pass --bundle"
        }
    }
}

/// `arena-script verify LOCKFILE`: proves a recorded result is the complete result of its lockfile,
/// without running a model. Checks every manifest hash; that the bundle ran this lockfile (the same
/// text, under this lockfile's run id); that the experiment file is the one locked and the
/// lockfile is what it and its local files lock to; that the locked commit is in the history;
/// that the bundle holds exactly the (model, task) results the lockfile's runs produce, with the
/// lockfile's models, seeds, few-shot counts, limits and data; that every sample row is what the
/// pinned data and settings give (documents, prompts, targets, request hashes), where the data is
/// reachable offline; and that the recorded responses re-score to the recorded metrics.
public enum BundleVerifier {
    public static func verify(lockfile path: String, bundle explicit: URL? = nil,
                              datasets: DatasetLoader = .fromEnvironment(offline: true)) async throws -> VerificationReport {
        let lockURL = URL(fileURLWithPath: path).standardizedFileURL
        let text: String
        let lock: Lockfile
        do {
            text = try String(contentsOf: lockURL, encoding: .utf8)
            lock = try LockfileReader.parse(text, path: path)
        } catch {
            throw VerifyError.unreadableLockfile(path: path, reason: "\(error)")
        }
        let root = Lockfile.root(ofLockfileAt: lockURL)
        let bundle = try explicit ?? locateBundle(root: root, lock: lock, text: text, lockfile: path)
        var report = VerificationReport(bundle: bundle)

        // 1. Every file against the manifest.
        do {
            let problems = try BundleManifest.read(from: bundle).check(root: bundle)
            if problems.isEmpty { report.checks.append("manifest: every file's sha256 matches") }
            report.differences += problems.map { "\(bundle.lastPathComponent)/\($0)" }
        } catch {
            report.differences.append("\(bundle.path)/\(BundleManifest.fileName): \(error)")
        }

        // 2. The bundle ran this lockfile, under its run id, and this experiment.
        checkRecordedLockfile(&report, text: text, path: path, bundle: bundle)
        let experimentURL = lock.experimentFile(lockfileAt: lockURL)
        var experimentIntact = false
        if let data = FileManager.default.contents(atPath: experimentURL.path) {
            let sha = SHA256.hex(data)
            if sha == lock.experiment.sha256 {
                experimentIntact = true
                report.checks.append("\(lock.experiment.file): sha256 matches the lockfile")
            } else {
                report.differences.append("\(lock.experiment.file): sha256 \(sha) does not match the lockfile's \(lock.experiment.sha256)")
            }
        } else {
            report.differences.append("\(lock.experiment.file): missing (the lockfile pins it)")
        }
        if let recorded = FileManager.default.contents(atPath: bundle.appendingPathComponent(BundleLayout.experiment).path),
           SHA256.hex(recorded) != lock.experiment.sha256 {
            report.differences.append("\(BundleLayout.experiment): the bundle's copy does not match the lockfile's sha256")
        }

        // 3. The lockfile is what the experiment and its local files lock to.
        var pinned: ExperimentPlan?
        if experimentIntact {
            do {
                var plan = try PlanLoader.load(path: experimentURL.path)
                plan.sourcePath = lock.experiment.file
                let (differences, diff) = await LockfileSourcesCheck.differences(
                    lock: lock, path: path, plan: plan, experimentDirectory: experimentURL.deletingLastPathComponent())
                report.differences += differences
                report.diffs += diff.map { [$0] } ?? []
                if differences.isEmpty {
                    report.checks.append("\(path): what \(lock.experiment.file) and its local files lock to (settings, runs, content hashes)")
                    pinned = try lock.pinning(plan)
                }
            } catch {
                report.differences.append("\(lock.experiment.file): \(error)")
            }
        }

        // 4. The locked commit is in this repository's history.
        if let head = lock.git?.head {
            do {
                switch try GitRepository.discover(containing: root.path)?.presence(ofCommit: head) {
                case .inHistory?: report.checks.append("git: commit \(head) is in HEAD's history")
                case .notAncestorOfHead?: report.differences.append("git: commit \(head) exists but is not in HEAD's history")
                case .missing?: report.differences.append("git: commit \(head) is not in this repository (a shallow clone needs fetch-depth: 0)")
                case nil: report.differences.append("git: \(root.path) is not a git repository, so commit \(head) cannot be found")
                }
            } catch {
                report.differences.append("git: \(error)")
            }
        }

        // 5. The bundle holds what the lockfile's runs produce, rows re-derived and re-scored.
        do {
            let contents = try BundleReader.read(bundle)
            let coverage = LockfileCoverage.differences(lock: lock, contents: contents, bundle: bundle)
            report.differences += coverage
            if coverage.isEmpty {
                report.checks.append("coverage: every (model, task) the lockfile runs, and no other, with its models, seed, few-shot counts, limits and data")
            }
            let documents = TaskDocumentsLoader(loader: datasets, experimentDirectory: experimentURL.deletingLastPathComponent(), root: root)
            try rescore(&report, contents: contents, lock: lock, plan: pinned, documents: documents)
            if let pinned { checkExpectations(&report, contents: contents, plan: pinned) }
            let truncation = TruncationCheck.differences(contents)
            report.differences += truncation
            if truncation.isEmpty { report.checks.append("truncation: every sample's \(TaskTruncation.sampleField) agrees with the recorded counts") }
        } catch {
            report.differences.append("re-scoring: \(error)")
        }
        return report
    }

    /// The bundle's experiment.lock against the given text (a diff when they differ), and the
    /// bundle's folder against the given lockfile's run id.
    static func checkRecordedLockfile(_ report: inout VerificationReport, text: String, path: String, bundle: URL) {
        let recorded = try? String(contentsOf: bundle.appendingPathComponent(BundleLayout.lockfile), encoding: .utf8)
        if recorded == text {
            report.checks.append("\(BundleLayout.lockfile): identical to \(path)")
        } else {
            report.differences.append("\(path): differs from the bundle's \(BundleLayout.lockfile)")
            let name = "\(bundle.lastPathComponent)/\(BundleLayout.lockfile)"
            report.diffs.append(recorded.map { UnifiedDiff.render(old: $0, new: text, oldName: "\(name) (recorded in the bundle)", newName: "\(path) (given)") }
                ?? "\(name): missing\n")
        }
        let runID = BundleLayout.runID(lockfileText: text)
        if bundle.standardizedFileURL.lastPathComponent == runID {
            report.checks.append("run id: \(runID), the lockfile's")
        } else {
            report.differences.append("\(bundle.path): the bundle's folder is not \(path)'s run id \(runID)")
        }
    }

    /// Each task's rows rebuilt from the pinned data where it loads offline (else from the rows'
    /// own documents) and its responses re-scored: exactly for arena-script's scorer, within
    /// `LMEvalDelegation.agreement` for values lm-eval computed.
    static func rescore(_ report: inout VerificationReport, contents: BundleContents, lock: Lockfile, plan: ExperimentPlan?,
                        documents: TaskDocumentsLoader) throws {
        let cells = Dictionary(LockfileCoverage.cells(lock).map { ([$0.bundleModel, $0.selection.name], $0) }, uniquingKeysWith: { a, _ in a })
        var samples = 0, differences: [String] = [], rederived: [String] = [], notRederived: [String] = []
        for outcome in contents.tasks {
            let cell = cells[[outcome.model, outcome.task]]
            let definition = try cell?.selection.scoredDefinition() ?? TaskCatalog.task(named: outcome.task)
            let harness = cell.flatMap { lock.engine($0.engine)?.spec.harness } == "lm-eval"
            var prepared: [PreparedDocument]?
            if let cell, let plan {
                do {
                    let (docs, _, origin) = try documents.documents(for: definition, selection: cell.selection, plan: plan, lockfile: lock)
                    let options = cell.selection.scoringOptions(experimentLimit: lock.experiment.limit, seed: lock.experiment.seed)
                    prepared = try TaskScorer.prepare(task: definition, documents: docs, options: options)
                    rederived.append("\(outcome.model)/\(outcome.task)")
                    differences += Self.dataDifferences(outcome, definition: definition, origin: origin, original: docs.eval.count)
                } catch {
                    notRederived.append("\(outcome.model)/\(outcome.task) (\(error))")
                }
            }
            let result = try ResponseRescorer.compare(outcome, task: definition, documents: prepared, precision: harness ? .lmEval : .exact)
            samples += result.samples
            differences += result.differences
        }
        report.differences += differences
        if !rederived.isEmpty, differences.isEmpty {
            report.checks.append("re-derivation: documents, prompts, targets and request hashes of \(rederived.joined(separator: ", ")) are what the pinned data and settings give")
        }
        if !notRederived.isEmpty {
            report.checks.append("re-derivation: not done for \(notRederived.joined(separator: "; ")); their rows' own documents are re-scored")
        }
        if differences.isEmpty { report.checks.append("re-scoring: \(samples) recorded samples give the recorded metrics") }
    }

    /// expectations.json is what the experiment's `expect` statements give on the recorded results
    /// (`ExperimentRunner.evaluate`, the code `run` decides them with).
    static func checkExpectations(_ report: inout VerificationReport, contents: BundleContents, plan: ExperimentPlan) {
        let again = plan.expectations.map { ExperimentRunner.evaluate($0, outcomes: contents.tasks, seed: plan.seed) }
        var found: [String] = []
        if again.count != contents.expectations.count {
            found.append("\(BundleLayout.expectations): \(contents.expectations.count) expectations recorded, the experiment has \(again.count)")
        }
        for (recorded, now) in zip(contents.expectations, again) where recorded != now {
            found.append("\(BundleLayout.expectations): line \(now.line) `\(now.source)` recorded \(recorded.verdict.rawValue) (\(recorded.detail)), the recorded results give \(now.verdict.rawValue) (\(now.detail))")
        }
        report.differences += found
        if found.isEmpty { report.checks.append("expectations: the \(again.count) recorded verdicts are what the recorded results give") }
    }

    /// The task's config names the data the documents came from, and counts its documents.
    static func dataDifferences(_ outcome: TaskOutcome, definition: TaskDefinition, origin: TaskDataOrigin, original: Int) -> [String] {
        let results = BundleLayout.results(model: outcome.model)
        var found: [String] = []
        let expected = origin.applied(to: TaskScore.config(definition, nShot: outcome.nShot))
        for key in LockfileCoverage.dataFields.sorted() where outcome.config[key] != expected[key] {
            found.append("\(results): \(outcome.model)/\(outcome.task) configs.\(key) recorded \(ResponseRescorer.short(outcome.config[key])), the pinned data gives \(ResponseRescorer.short(expected[key]))")
        }
        if outcome.originalCount != original {
            found.append("\(results): \(outcome.model)/\(outcome.task) n-samples.original recorded \(outcome.originalCount), the pinned data has \(original) documents")
        }
        return found
    }

    /// `results/<experiment>/<run id>` beside `lockfiles/`; when that folder is absent but the
    /// experiment has exactly one bundle, that one (its lockfile and run id are then compared).
    static func locateBundle(root: URL, lock: Lockfile, text: String, lockfile: String) throws -> URL {
        let experimentDir = root.appendingPathComponent("results").appendingPathComponent(BundleLayout.fileSafe(lock.experiment.name))
        let expected = experimentDir.appendingPathComponent(BundleLayout.runID(lockfileText: text))
        if FileManager.default.fileExists(atPath: expected.appendingPathComponent(BundleManifest.fileName).path) { return expected }
        let candidates = ((try? FileManager.default.contentsOfDirectory(atPath: experimentDir.path)) ?? []).filter { !$0.hasPrefix(".") }
        if candidates.count == 1 { return experimentDir.appendingPathComponent(candidates[0]) }
        throw VerifyError.noBundle(lockfile: lockfile, looked: expected.path)
    }
}

extension BundleVerifier {
    /// The re-scoring `verify` does for one recorded task of arena-script's scorer: every row
    /// rebuilt from `documents` (the prepared documents of the pinned data; nil: the rows' own),
    /// compared exactly. For `arena-bench verify`.
    public static func rescoringDifferences(_ outcome: TaskOutcome, documents: [PreparedDocument]?) throws -> [String] {
        try ResponseRescorer.compare(outcome, task: TaskCatalog.task(named: outcome.task), documents: documents, precision: .exact).differences
    }
}
