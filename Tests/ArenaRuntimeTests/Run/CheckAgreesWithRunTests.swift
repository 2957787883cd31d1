import ArenaScript
import Foundation
import Testing
@testable import ArenaRuntime

/// Every task, tag, metric and split docs/language.md lists, read back from its text: `check`
/// accepts it exactly when `run` executes it. Accepted values are run for real on the native
/// engine with the tiny model; refused ones are refused by the code `run` uses (the task catalog,
/// the document loader, the results keys). Engines' precisions and generation settings are in
/// `EngineFactsAgreementTests`.
@Suite(.serialized) struct CheckAgreesWithRunTests {
    static let facts = Result { try DocumentedFacts.read() }

    func errors(_ source: String, in root: URL? = nil) -> [String] {
        let path = (root ?? DocumentedValuesRepository.root).appendingPathComponent("experiments/run.arena").path
        return PlanLoader.check(source: source, path: path).diagnostics.filter { $0.severity == .error }.map(\.message)
    }

    /// What the docs list is what the code has, value by value.
    @Test func theDocumentedValuesAreExactlyTheCodes() throws {
        let facts = try Self.facts.get()
        #expect(facts.tasks == TaskCatalog.taskNames)
        #expect(facts.tags == TaskCatalog.tags)
        for task in TaskCatalog.definitions {
            #expect(facts.metrics[task.name] == task.scriptMetrics.map(\.name), "\(task.name)")
            #expect(facts.scoredSplit[task.name] == task.dataset.evalSplit, "\(task.name)")
            #expect(facts.fewshotSplit[task.name] == (task.takesFewshot ? task.dataset.fewshotSplit : nil), "\(task.name)")
            #expect(facts.defaultFewshot[task.name] == task.defaultFewshot, "\(task.name)")
            #expect(facts.asksFor[task.name] == (task.generates ? "generations" : "choice likelihoods"), "\(task.name)")
        }
        #expect(facts.engines == ["native", "vllm", "sglang", "endpoint"])
        for kind in EngineKind.allCases {
            #expect(facts.precisions[kind.rawValue] == kind.capabilities.precisions.map(\.name), "\(kind)")
        }
        #expect(facts.generationSettings == GenerationSettings.overrides.map(\.name))
        #expect(facts.datasetSplits == ["test", "validation", "train", "dev"])
        #expect(Set(facts.scoredSplit.values).union(facts.fewshotSplit.values).isSubset(of: Set(facts.datasetSplits)))
    }

    /// The splits the docs say a task (or every member of a tag) scores and draws few-shot examples from.
    static func splits(_ name: String, _ facts: DocumentedFacts) -> (scored: String, fewshot: String?) {
        let members = facts.tags[name] ?? [name]
        let fewshot = members.map { facts.fewshotSplit[$0] }
        return (facts.scoredSplit[members[0]] ?? "", fewshot.allSatisfy { $0 != nil && $0 == fewshot[0] } ? fewshot[0] : nil)
    }

    /// Each documented task and tag at 0 shots with only its scored split, and, where the docs
    /// list a few-shot split, at 1 shot with both: `check` is clean, `run` scores it on the native
    /// engine, and every documented metric (and its `_stderr`) of every member has a value.
    @Test func everyDocumentedTaskAndTagRunsOnTheSplitsTheDocsList() async throws {
        let facts = try Self.facts.get()
        var lines = ["experiment \"walk\"", "let cpu = native(threads: 1)"]
        var planned: [(model: String, task: String, shots: Int)] = []
        for name in facts.tasks + facts.tags.keys.sorted() {
            let members = facts.tags[name] ?? [name]
            let (scored, fewshot) = Self.splits(name, facts)
            var variants = [(0, [scored])]
            if let fewshot { variants.append((1, [scored, fewshot])) }
            for (shots, splits) in variants {
                let model = "m\(planned.count)"
                let files = splits.map { "\($0): \"\(DocumentedValuesRepository.file(task: name, split: $0))\"" }.joined(separator: ", ")
                let generation = members.allSatisfy { facts.asksFor[$0] == "generations" } ? ", generation: [max_gen_toks: 4, temperature: 0]" : ""
                lines.append("let \(model) = model(\"../models/tiny-llama\")")
                lines.append("evaluate(\(model), on: \(name)(dataset: dataset(\(files)), fewshot: \(shots), limit: 2\(generation)), with: cpu)")
                for member in members {
                    planned.append((model, member, shots))
                    for metric in (facts.metrics[member] ?? []).flatMap({ [$0, $0 + "_stderr"] }) {
                        lines.append("expect \(model).\(member).\(metric) >= 0 or \(model).\(member).\(metric) < 0")
                    }
                }
            }
        }
        let source = lines.joined(separator: "\n")
        let root = try DocumentedValuesRepository.make(experiment: source)
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(errors(source, in: root).isEmpty)

        let outcome = try await DocumentedValuesRepository.runner(root: root).run(path: "experiments/run.arena", options: .init(noGit: true))
        let documentedMetrics = planned.reduce(0) { $0 + 2 * (facts.metrics[$1.task]?.count ?? 0) }
        #expect(outcome.expectations.count == documentedMetrics)
        for expectation in outcome.expectations where !expectation.passed {
            Issue.record("no value for a documented metric: expect \(expectation.source) (\(expectation.detail))")
        }
        let bundle = try BundleReader.read(outcome.bundle)
        #expect(bundle.tasks.map { "\($0.model) \($0.task) \($0.nShot)" }.sorted() == planned.map { "\($0.model) \($0.task) \($0.shots)" }.sorted())
        #expect(bundle.tasks.allSatisfy { $0.effectiveCount == 2 })
    }

    /// A split the docs say a task reads, left out of its dataset, is refused by `check` and by the
    /// document loader `run` reads data with; a few-shot split at 0 shots is read by neither.
    @Test func aLeftOutSplitIsRefusedByCheckAndByTheLoader() throws {
        let facts = try Self.facts.get()
        let lockfile = Lockfile(experiment: LockedExperiment(name: "x", file: "run.arena", sha256: "", seed: 1234), git: nil)
        let loader = TaskDocumentsLoader(loader: DatasetLoader.fromEnvironment(offline: true),
                                         experimentDirectory: DocumentedValuesRepository.root.appendingPathComponent("experiments"))
        for name in facts.tasks {
            let (scored, fewshot) = Self.splits(name, facts)
            let definition = try TaskCatalog.task(named: name)
            // Data that exists for every task: only which splits are given matters here.
            let file = "data/word_math_test.jsonl"
            if let fewshot {
                let source = "evaluate(model(\"acme/x\"), on: \(name)(dataset: dataset(\(scored): \"\(file)\"), fewshot: 1))"
                #expect(errors(source).contains { $0.contains("draws few-shot examples from the '\(fewshot)' split") }, "\(name)")
                let plan = ExperimentPlan(name: "x", sourcePath: "run.arena", source: "",
                                          datasets: [DatasetSpec(key: "d", id: file, isLocalPath: true, files: [scored: file])])
                #expect(throws: TaskDataError.missingSplit(dataset: "d", split: fewshot, task: name), "\(name)") {
                    try loader.documents(for: definition, selection: TaskSelection(name: name, fewshot: 1, dataset: "d"), plan: plan, lockfile: lockfile)
                }
                // At 0 shots the few-shot split is neither asked for nor read.
                #expect(definition.splitsRead(fewshot: 0) == [scored])
            }
            let other = facts.datasetSplits.first { $0 != scored } ?? "train"
            let source = "evaluate(model(\"acme/x\"), on: \(name)(dataset: dataset(\(other): \"\(file)\"), fewshot: 0))"
            #expect(errors(source).contains { $0.contains("scores the '\(scored)' split") }, "\(name)")
            let plan = ExperimentPlan(name: "x", sourcePath: "run.arena", source: "",
                                      datasets: [DatasetSpec(key: "d", id: file, isLocalPath: true, files: [other: file])])
            #expect(throws: TaskDataError.missingSplit(dataset: "d", split: scored, task: name), "\(name)") {
                try loader.documents(for: definition, selection: TaskSelection(name: name, fewshot: 0, dataset: "d"), plan: plan, lockfile: lockfile)
            }
        }
    }

    /// Names and metrics the docs do not list: `check` refuses them, and `run` has no task for the
    /// name (the catalog) and no results key for the metric (what expectations are evaluated by).
    @Test func valuesTheDocsDoNotListAreRefusedByCheckAndUnknownToRun() throws {
        let facts = try Self.facts.get()
        for name in ["arc", "mmlu", "truthful_qa", "gsm8k_cot"] {
            #expect(errors("evaluate(model(\"acme/x\"), on: \(name))").first == "unknown name '\(name)'")
            #expect(throws: UnknownTaskError(name: name)) { try TaskCatalog.expand(name) }
        }
        for name in facts.tasks {
            let documented = Set((facts.metrics[name] ?? []).flatMap { [$0, $0 + "_stderr"] })
            for metric in documented.sorted() {
                #expect(TaskSignatures.lmEvalKey(task: name, metric: metric) != nil, "\(name).\(metric)")
            }
            let all = Set(facts.metrics.values.joined()).union(["exact_match_strict", "accuracy", "em_stderr_stderr"])
            for metric in all.subtracting(documented).sorted() {
                let source = "let m = model(\"acme/x\")\nevaluate(m, on: \(name))\nexpect m.\(name).\(metric) > 0"
                #expect(errors(source).contains { $0.contains("has no metric '\(metric)'") }, "\(name).\(metric)")
                #expect(TaskSignatures.lmEvalKey(task: name, metric: metric) == nil, "\(name).\(metric)")
            }
        }
    }
}
