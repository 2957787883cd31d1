import Testing
@testable import ArenaRuntime

@Suite struct TruthfulQAGenMetricsTests {
    @Test func intlTokenizerAndBleuAgreeWithSacrebleu() throws {
        for c in try MetricsReference.section("bleu") {
            let hypothesis = try #require(c.string("hypothesis"))
            let reference = try #require(c.string("reference"))
            #expect(PythonText.equal(SacreBLEU.intlTokenize(PythonText.rstrip(hypothesis)), try #require(c.string("hypothesis_tokens"))),
                    "tokens of \(String(reflecting: hypothesis))")
            #expect(PythonText.equal(SacreBLEU.intlTokenize(PythonText.rstrip(reference)), try #require(c.string("reference_tokens"))))
            let score = SacreBLEU.corpusScore(hypothesis: hypothesis, reference: reference)
            let expected = try #require(c.double("score"))
            #expect(closeEnough(score, expected), "BLEU(\(String(reflecting: hypothesis)), \(String(reflecting: reference))) = \(score), lm-eval \(expected)")
        }
    }

    @Test func allTwelveMetricsAgreeWithLmEvalOnRealQuestions() throws {
        let cases = try MetricsReference.section("truthfulqa")
        #expect(cases.count >= 40)
        for c in cases {
            let completion = try #require(c.string("completion"))
            let formatted = TruthfulQAGenMetrics.formatAnswers(correct: try #require(c.strings("correct")),
                                                               incorrect: try #require(c.strings("incorrect")))
            #expect(formatted.correct == c.strings("formatted_correct"))
            #expect(formatted.incorrect == c.strings("formatted_incorrect"))
            let metrics = try TruthfulQAGenMetrics.score(completion: completion, correct: formatted.correct, incorrect: formatted.incorrect)
            let expected = try #require(c["metrics"]?.objectValue)
            #expect(metrics.keys.sorted() == expected.keys.sorted())
            #expect(Set(metrics.keys) == Set(TruthfulQAGenMetrics.metricNames))
            for (name, value) in expected {
                let want = try #require(value.doubleValue)
                let got = try #require(metrics[name])
                if name.hasSuffix("_acc") {
                    #expect(got == want, "\(name) for \(String(reflecting: completion))")
                } else {
                    #expect(closeEnough(got, want), "\(name) for \(String(reflecting: completion)): \(got) vs \(want)")
                }
            }
        }
    }

    @Test func handCheckedRouge() {
        // Target "the cat sat" vs prediction "the cat": unigrams 2 of 3 recalled, 2 of 2 precise:
        // f = 2·1·(2/3)/(5/3) = 0.8. Bigrams: "the cat" of {"the cat","cat sat"}: p 1, r 1/2, f 2/3.
        #expect(closeEnough(RougeScore.rougeN(target: "The cat sat.", prediction: "the CAT", n: 1), 0.8))
        #expect(closeEnough(RougeScore.rougeN(target: "The cat sat.", prediction: "the CAT", n: 2), 2.0 / 3.0))
        // rougeLsum over sentences split on "\n": identical text scores 1.
        #expect(RougeScore.rougeLsum(target: "a b.\nc d.", prediction: "a b.\nc d.") == 1)
    }

    @Test func handCheckedBleu() {
        // Fewer than four tokens: no 4-grams, so the 4-gram precision stays 0 and BLEU is 0.
        #expect(SacreBLEU.corpusScore(hypothesis: "a b c", reference: "a b c") == 0)
        // Identical four-token sentences: every precision 100, brevity penalty 1.
        #expect(closeEnough(SacreBLEU.corpusScore(hypothesis: "a b c d", reference: "a b c d"), 100))
    }

    @Test func noFalseReferenceIsAnError() {
        #expect(throws: TruthfulQAGenMetricsError.self) {
            try TruthfulQAGenMetrics.score(completion: "x", correct: ["x."], incorrect: [])
        }
    }
}
