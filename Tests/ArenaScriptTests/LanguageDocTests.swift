import ArenaRuntime
import ArenaScript
import Foundation
import Testing

@Suite struct LanguageDocTests {
    static let docURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/language.md")

    /// The generated sections of docs/language.md and what generates each.
    static let sections: [(marker: String, generated: @Sendable () -> String)] = [
        ("builtins", { BuiltinReference.markdown(ArenaBuiltins.environment) }),
        ("tasks", { FactsReference.tasksMarkdown() }),
        ("engines", { FactsReference.enginesMarkdown() }),
    ]

    /// Each generated section of docs/language.md is exactly what the registrations, the task
    /// catalog and the engine capabilities say; with ARENA_UPDATE_GOLDENS=1 it is rewritten.
    @Test(arguments: sections.map(\.marker))
    func generatedSectionMatchesTheCode(marker: String) throws {
        var doc = try String(contentsOf: Self.docURL, encoding: .utf8)
        let begin = "<!-- \(marker):begin -->\n", end = "<!-- \(marker):end -->"
        let start = try #require(doc.range(of: begin)), stop = try #require(doc.range(of: end))
        let generated = try #require(Self.sections.first { $0.marker == marker }).generated()
        if ProcessInfo.processInfo.environment["ARENA_UPDATE_GOLDENS"] == "1" {
            doc = String(doc[..<start.upperBound]) + generated + String(doc[stop.lowerBound...])
            try doc.write(to: Self.docURL, atomically: true, encoding: .utf8)
            return
        }
        #expect(String(doc[start.upperBound..<stop.lowerBound]) == generated)
    }

    @Test func everyBuiltinAndParameterIsInTheReference() {
        let reference = BuiltinReference.markdown(ArenaBuiltins.environment)
        for (name, function) in ArenaBuiltins.environment.functions {
            #expect(reference.contains("`\(name)`") || reference.contains("`\(name)("), "\(name) missing")
            for p in function.parameters { #expect(reference.contains("`\(p.name)"), "\(name): \(p.name) missing") }
        }
        let expected = ["model", "dataset", "evaluate", "compare", "tolerance", "vllm", "sglang", "endpoint", "native"]
            + TaskCatalog.taskNames + TaskCatalog.tags.keys
        #expect(ArenaBuiltins.environment.functionNames == expected.sorted())
    }

    /// What the docs list, read back from the text a user reads: every task, tag, metric, split,
    /// precision and generation setting documented is one the code has, and none is missing.
    @Test func theDocumentedValuesAreExactlyTheCodes() throws {
        let facts = try DocumentedFacts.read()
        #expect(facts.tasks == TaskCatalog.taskNames)
        #expect(facts.tags == TaskCatalog.tags.mapValues { $0 })
        for task in TaskCatalog.definitions {
            #expect(facts.metrics[task.name] == task.scriptMetrics.map(\.name), "\(task.name)")
            #expect(facts.scoredSplit[task.name] == task.dataset.evalSplit, "\(task.name)")
            #expect(facts.fewshotSplit[task.name] == (task.takesFewshot ? task.dataset.fewshotSplit : nil), "\(task.name)")
        }
        for kind in EngineKind.allCases {
            #expect(facts.precisions[kind.rawValue] == kind.capabilities.precisions.map(\.name), "\(kind)")
        }
        #expect(facts.generationSettings == GenerationSettings.overrides.map(\.name))
        #expect(facts.datasetSplits == ["test", "validation", "train", "dev"])
        // Each split a task reads is one `dataset(...)` takes.
        #expect(Set(facts.scoredSplit.values).union(facts.fewshotSplit.values).isSubset(of: Set(facts.datasetSplits)))
    }
}
