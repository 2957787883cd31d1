import ArenaRuntime
import ArenaScript
import Foundation
import Testing

@Suite struct LanguageDocTests {
    static let docURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/language.md")

    /// docs/language.md's built-in section is exactly what the registrations say; with
    /// ARENA_UPDATE_GOLDENS=1 the section is rewritten from them.
    @Test func builtinReferenceMatchesTheRegistrations() throws {
        let doc = try String(contentsOf: Self.docURL, encoding: .utf8)
        let begin = "<!-- builtins:begin -->\n", end = "<!-- builtins:end -->"
        let start = try #require(doc.range(of: begin)), stop = try #require(doc.range(of: end))
        let generated = BuiltinReference.markdown(ArenaBuiltins.environment)
        if ProcessInfo.processInfo.environment["ARENA_UPDATE_GOLDENS"] == "1" {
            try (String(doc[..<start.upperBound]) + generated + String(doc[stop.lowerBound...])).write(to: Self.docURL, atomically: true, encoding: .utf8)
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
        #expect(ArenaBuiltins.environment.functionNames.count == 4 + 5 + 11 + 1)
    }
}
