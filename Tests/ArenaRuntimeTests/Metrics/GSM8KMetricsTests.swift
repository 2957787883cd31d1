import Foundation
import Testing
@testable import ArenaRuntime

@Suite struct GSM8KMetricsTests {
    @Test func filtersAndExactMatchAgreeWithLmEvalOnTheCorpus() throws {
        let cases = try MetricsReference.section("gsm8k_responses") + MetricsReference.section("gsm8k_test_answers")
        #expect(cases.count > 1300)
        let regexes = try ExactMatch.gsm8kRegexesToIgnore.map { try PythonRegex($0) }
        for c in cases {
            let response = try #require(c.string("response"))
            let reference = try #require(c.string("reference"))
            let strict = GSM8KFilter.strictMatch(response)
            let flexible = GSM8KFilter.flexibleExtract(response)
            #expect(strict == c.string("strict"), "strict-match of \(String(reflecting: response))")
            #expect(flexible == c.string("flexible"), "flexible-extract of \(String(reflecting: response))")
            for (prediction, key) in [(strict, "strict_em"), (flexible, "flexible_em")] {
                let em = ExactMatch.score(prediction: prediction, reference: reference, ignoreCase: true,
                                          ignorePunctuation: false, compiledRegexes: regexes)
                #expect(em == c.double(key), "\(key) of \(String(reflecting: prediction)) against \(String(reflecting: reference))")
            }
        }
    }

    /// Every real GSM8K test answer ends in "#### N": strict-match gives N, and N scores 1 against it.
    @Test func strictMatchExtractsTheFinalNumberOfEveryRealAnswer() throws {
        let file = MetricsReference.sharedData.appendingPathComponent("gsm8k/test.jsonl")
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1319)
        for line in lines {
            let answer = try #require(try JSONValue.parse(String(line)).string("answer"))
            let marker = try #require(answer.range(of: "#### ", options: .backwards))
            let number = String(answer[marker.upperBound...]).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(GSM8KFilter.strictMatch(answer) == number)
            #expect(try ExactMatch.score(prediction: number, reference: answer, ignoreCase: true,
                                         regexesToIgnore: ExactMatch.gsm8kRegexesToIgnore) == 1.0)
        }
    }

    @Test(arguments: [
        // The first "#### " wins for strict-match; flexible-extract takes the last number-like run.
        ("#### 5\n#### 6", "5", "6"),
        // "$" is not in strict-match's class, so "#### $5" has no strict match; flexible keeps "$5".
        ("#### $5", "[invalid]", "$5"),
        // A lone "-" cannot start strict's number; flexible's second branch needs a digit.
        ("#### -", "[invalid]", "[invalid]"),
        // strict-match accepts "-," (sign then the class [0-9.,]); flexible needs two class characters.
        ("#### -,", "-,", "[invalid]"),
        // A single digit comes from flexible's second group.
        ("I have 7 apples", "[invalid]", "7"),
    ])
    func handCheckedExtractions(response: String, strict: String, flexible: String) {
        #expect(GSM8KFilter.strictMatch(response) == strict)
        #expect(GSM8KFilter.flexibleExtract(response) == flexible)
    }

    @Test func gsm8kExactMatchStripsDollarsCommasAndTheFinalPeriod() throws {
        let reference = "She makes 9 * 2 = $18 every day.\n#### 1,018"
        let score = { (p: String) in
            try ExactMatch.score(prediction: p, reference: reference, ignoreCase: true,
                                 regexesToIgnore: ExactMatch.gsm8kRegexesToIgnore)
        }
        // "(?s).*#### " removes everything up to the last "#### "; "," is removed from both sides.
        #expect(try score("1018") == 1)
        #expect(try score("$1,018.") == 1)
        // "\.$" removes only a final period (or one before a final newline), not other dots.
        #expect(try score("1018.0") == 0)
        #expect(try score("[invalid]") == 0)
    }

    @Test func invalidRegexIsReportedWithItsPosition() {
        #expect(throws: PythonRegexError.self) {
            try ExactMatch.score(prediction: "a", reference: "a", regexesToIgnore: ["(unclosed"])
        }
    }
}
