import Testing
@testable import ArenaRuntime

/// Seeded random inputs (made by reference.py over the characters each metric reacts to:
/// digits, `$ , . - #`, articles, Unicode digits and spaces, punctuation and symbols) give the
/// same results as lm-eval's code.
@Suite struct FuzzAgreementTests {
    private func fuzz(_ name: String) throws -> [JSONValue] {
        let items = try #require(try MetricsReference.value()["fuzz"]?[name]?.arrayValue)
        #expect(items.count >= 100)
        return items
    }

    @Test func gsm8kFiltersAndExactMatch() throws {
        for c in try fuzz("gsm8k") {
            let response = try #require(c.string("response"))
            let reference = try #require(c.string("reference"))
            let strict = GSM8KFilter.strictMatch(response)
            let flexible = GSM8KFilter.flexibleExtract(response)
            #expect(strict == c.string("strict"), "strict-match of \(String(reflecting: response))")
            #expect(flexible == c.string("flexible"), "flexible-extract of \(String(reflecting: response))")
            let em = { (p: String) in
                try ExactMatch.score(prediction: p, reference: reference, ignoreCase: true,
                                     regexesToIgnore: ExactMatch.gsm8kRegexesToIgnore)
            }
            #expect(try em(strict) == c.double("strict_em"))
            #expect(try em(flexible) == c.double("flexible_em"))
        }
    }

    @Test func regexSubAndFindall() throws {
        for c in try fuzz("regex") {
            let regex = try PythonRegex(try #require(c.string("pattern")))
            let text = try #require(c.string("text"))
            let label = "\(String(reflecting: regex.pattern)) on \(String(reflecting: text))"
            #expect(PythonText.equal(regex.replacingMatches(in: text, with: ""), try #require(c.string("sub"))), "sub: \(label)")
            let expected = try #require(c["findall"]?.arrayValue).map { $0.arrayValue?.compactMap(\.stringValue) ?? [] }
            #expect(regex.findAll(in: text) == expected, "findall: \(label)")
        }
    }

    @Test func dropNormalizationAndScores() throws {
        for c in try fuzz("drop") {
            let prediction = try #require(c.string("prediction"))
            let golds = try #require(c["golds"]?.arrayValue).map { $0.arrayValue?.compactMap(\.stringValue) ?? [] }
            #expect(PythonText.equal(DropMetrics.normalize(prediction), try #require(c.string("normalized"))),
                    "_normalize(\(String(reflecting: prediction)))")
            let (em, f1) = DropMetrics.score(prediction: prediction, golds: golds)
            #expect(em == c.double("em"), "em of \(String(reflecting: prediction)) vs \(golds)")
            #expect(f1 == c.double("f1"), "f1 of \(String(reflecting: prediction)) vs \(golds)")
        }
    }

    @Test func bleuAndRouge() throws {
        for c in try fuzz("bleu") {
            let hypothesis = try #require(c.string("hypothesis"))
            let reference = try #require(c.string("reference"))
            let label = "\(String(reflecting: hypothesis)) vs \(String(reflecting: reference))"
            let bleu = SacreBLEU.corpusScore(hypothesis: hypothesis, reference: reference)
            #expect(closeEnough(bleu, try #require(c.double("score"))), "BLEU \(label)")
            let rouge = TruthfulQAGenMetrics.rougeScores(reference: reference, prediction: hypothesis)
            let expected = try #require(c["rouge"])
            #expect(closeEnough(rouge.rouge1, try #require(expected.double("rouge1"))), "rouge1 \(label)")
            #expect(closeEnough(rouge.rouge2, try #require(expected.double("rouge2"))), "rouge2 \(label)")
            #expect(closeEnough(rouge.rougeLsum, try #require(expected.double("rougeLsum"))), "rougeLsum \(label)")
        }
    }
}
