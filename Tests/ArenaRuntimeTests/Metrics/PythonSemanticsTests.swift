import Foundation
import Testing
@testable import ArenaRuntime

/// The Python `re`, `str` and `float` behaviour the metrics are defined by, against CPython.
@Suite struct PythonSemanticsTests {
    @Test func regexSubFindallAndSplitAgreeWithPythonRe() throws {
        let cases = try MetricsReference.section("regex")
        #expect(cases.count > 40)
        for c in cases {
            let pattern = try #require(c.string("pattern"))
            let text = try #require(c.string("text"))
            let regex = try PythonRegex(pattern)
            let label = "pattern \(String(reflecting: pattern)) on \(String(reflecting: text))"
            #expect(PythonText.equal(regex.replacingMatches(in: text, with: ""), try #require(c.string("sub"))), "sub: \(label)")
            let expected = try #require(c["findall"]?.arrayValue).map { $0.arrayValue?.compactMap(\.stringValue) ?? [] }
            #expect(regex.findAll(in: text) == expected, "findall: \(label)")
            if let split = c.strings("split") { #expect(regex.split(text) == split, "split: \(label)") }
        }
    }

    /// Patterns Python rejects are rejected; so are backreferences, lookbehind and verbose mode,
    /// which Python accepts but this engine does not implement (an error, never a different match).
    @Test func unsupportedOrInvalidPatternsThrow() throws {
        let value = try MetricsReference.value()
        let patterns = try #require(try JSONValue.parse(Data(contentsOf: MetricsReference.fixtures.appendingPathComponent("corpus.json")))["regex_errors"]?.arrayValue)
        #expect(value["regex_accepted_by_python"]?.arrayValue?.compactMap(\.stringValue) == ["(?<=a)b", "(a)\\1", "(?x)a"])
        for pattern in patterns.compactMap(\.stringValue) {
            #expect(throws: PythonRegexError.self, "\(pattern)") { try PythonRegex(pattern) }
        }
    }

    @Test func floatParsingAndSpellingAgreeWithPython() throws {
        for c in try MetricsReference.section("python_float") {
            let text = try #require(c.string("text"))
            let expected = c["str"]?.stringValue
            #expect(PythonNumber.parseFloat(text).map(PythonNumber.str) == expected, "float(\(String(reflecting: text)))")
        }
    }

    @Test(arguments: [
        // Final sigma: a capital sigma ending a word lowers to U+03C2, elsewhere U+03C3.
        ("\u{03A3}\u{0391}\u{03A3}", "\u{03C3}\u{03B1}\u{03C2}"),
        // Full mapping: capital I with dot above becomes two code points.
        ("\u{0130}", "i\u{0307}"),
        ("KELVIN \u{212A}", "kelvin k"),
    ])
    func lowerUsesPythonMappings(input: String, expected: String) {
        #expect(PythonText.equal(PythonText.lower(input), expected))
    }

    @Test func emptyMatchesFollowPython37Rules() throws {
        // re.sub('x*', '-', 'abxd') == '-a-b--d-': an empty match right after a non-empty one counts.
        let regex = try PythonRegex("x*")
        let marked = regex.matches(in: "abxd").map { [$0.range.lowerBound, $0.range.upperBound] }
        #expect(marked == [[0, 0], [1, 1], [2, 3], [3, 3], [4, 4]])
    }
}
