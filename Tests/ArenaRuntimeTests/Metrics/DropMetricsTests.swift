import Testing
@testable import ArenaRuntime

@Suite struct DropMetricsTests {
    @Test func normalizationAgreesWithLmEval() throws {
        for c in try MetricsReference.section("drop_normalize") {
            let text = try #require(c.string("text"))
            let expected = try #require(c.string("normalized"))
            #expect(PythonText.equal(DropMetrics.normalize(text), expected), "_normalize(\(String(reflecting: text))) = \(String(reflecting: DropMetrics.normalize(text)))")
        }
    }

    @Test func scoresAgreeWithLmEvalProcessResults() throws {
        for c in try MetricsReference.section("drop_scores") {
            let prediction = try #require(c.string("prediction"))
            let golds = try #require(c["golds"]?.arrayValue).map { $0.arrayValue?.compactMap(\.stringValue) ?? [] }
            let (em, f1) = DropMetrics.score(prediction: prediction, golds: golds)
            #expect(em == c.double("em"), "em of \(String(reflecting: prediction)) vs \(golds)")
            #expect(f1 == c.double("f1"), "f1 of \(String(reflecting: prediction)) vs \(golds)")
        }
    }

    @Test func multiSpanAlignmentAgreesWithScipyAssignment() throws {
        for c in try MetricsReference.section("drop_multi") {
            let predicted = try #require(c.strings("predicted"))
            let gold = try #require(c.strings("gold"))
            let (em, f1) = DropMetrics.metrics(predicted: predicted, gold: gold)
            #expect(em == c.double("em"), "em of \(predicted) vs \(gold)")
            #expect(f1 == c.double("f1"), "f1 of \(predicted) vs \(gold)")
        }
    }

    @Test func goldAnswersAgreeWithLmEvalGetAnswers() throws {
        for c in try MetricsReference.section("drop_docs") {
            let doc = try #require(c["doc"])
            let expected = try #require(c["golds"]?.arrayValue).map { $0.arrayValue?.compactMap(\.stringValue) ?? [] }
            #expect(try DropMetrics.golds(from: doc) == expected, "\(doc.serialized(indent: nil))")
        }
    }

    @Test func handCheckedScores() {
        // "Tom Brady threw 3 touchdowns" has 5 tokens; gold "Tom Brady" has 2, both present:
        // precision 2/5, recall 1, f1 = 2·0.4·1/1.4 = 0.5714... → 0.57; em needs the same spans.
        let result = DropMetrics.score(prediction: "Tom Brady threw 3 touchdowns", golds: [["Tom Brady"]])
        #expect(result.em == 0)
        #expect(result.f1 == 0.57)
        // A gold with a number scores only if the prediction has that number: "10 yards" vs
        // "12 yards" shares "yards" but the numbers differ, so f1 is 0.
        #expect(DropMetrics.score(prediction: "10 yards", golds: [["12 yards"]]).f1 == 0)
        // One predicted span against two gold spans: the best pairing scores 1 for one gold span
        // and 0 for the other, and the mean over max(2, 1) rows is 0.5.
        #expect(DropMetrics.score(prediction: "Eagles", golds: [["Eagles", "Jets"]]) == (0, 0.5))
    }

    @Test func malformedDocumentNamesTheField() {
        #expect(throws: DropDocumentError(field: "validated_answers", reason: "missing")) {
            try DropMetrics.golds(from: .object(["answer": .object(["number": .string("5")])]))
        }
        #expect(throws: DropDocumentError(field: "answer.spans", reason: "missing or not a list")) {
            try DropMetrics.golds(from: .object(["answer": .object(["number": .string("")]),
                                                 "validated_answers": .object(["number": .array([]), "date": .array([]), "spans": .array([])])]))
        }
    }

    @Test func assignmentMaximisesTheTotal() {
        // Greedy would take 0.9 (row 0, col 0) and then 0.1; the optimum is 0.8 + 0.85.
        let pairs = LinearSumAssignment.maximize([[0.9, 0.8], [0.85, 0.1]])
        #expect(pairs.map { [$0.row, $0.column] } == [[0, 1], [1, 0]])
        let wide = LinearSumAssignment.maximize([[0.1, 0.2, 0.9]])
        #expect(wide.map { [$0.row, $0.column] } == [[0, 2]])
        let tall = LinearSumAssignment.maximize([[0.1], [0.7], [0.3]])
        #expect(tall.map { [$0.row, $0.column] } == [[1, 0]])
    }
}
