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
    // CheckAgreesWithRunTests and EngineFactsAgreementTests (ArenaRuntimeTests) read the values docs/language.md lists back from its text and run each.
}
