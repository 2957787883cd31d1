import ArenaScript
import Testing

@Suite struct ExpectationTests {
    let base = ResultReference(model: "base", task: "gsm8k", metric: "exact_match")
    let tuned = ResultReference(model: "tuned", task: "gsm8k", metric: "exact_match")

    var improvesByTwoPoints: ExpectationTerm {
        .binary(.greaterEqual, .result(tuned), .binary(.add, .result(base), .constant(.number(0.02))))
    }

    @Test(arguments: [(0.50, 0.52, true), (0.50, 0.519, false), (0.0, 0.02, true)])
    func comparesResultsFromTheResolver(baseScore: Double, tunedScore: Double, passes: Bool) {
        let outcome = improvesByTwoPoints.evaluate { $0 == base ? baseScore : $0 == tuned ? tunedScore : nil }
        #expect(outcome == (passes ? .passed : .failed))
    }

    @Test func missingResultsLeaveItUnresolved() {
        #expect(improvesByTwoPoints.evaluate { $0 == base ? 0.5 : nil } == .unresolved(missing: [tuned]))
    }

    @Test func andOrNotCombine() {
        let t: ExpectationTerm = .binary(.or, .unary(.not, .binary(.greater, .result(base), .constant(.number(0.9)))),
                                         .binary(.less, .result(tuned), .constant(.number(0))))
        #expect(t.evaluate { _ in 0.5 } == .passed)
        #expect(t.evaluate { _ in 0.95 } == .failed)
    }

    @Test func divisionByZeroFailsInsteadOfCrashing() {
        let t: ExpectationTerm = .binary(.greater, .binary(.divide, .result(base), .constant(.number(0))), .constant(.number(1)))
        #expect(t.evaluate { _ in 0 } == .failed)
    }

    @Test func printsWithTheParenthesesItNeeds() {
        let t: ExpectationTerm = .binary(.multiply, .binary(.add, .result(base), .constant(.number(1))), .constant(.number(2)))
        #expect(t.description == "(base.gsm8k.exact_match + 1) * 2")
        #expect(improvesByTwoPoints.description == "tuned.gsm8k.exact_match >= base.gsm8k.exact_match + 0.02")
    }

    @Test func theWholePipelineFromSourceToOutcome() throws {
        let analysis = WidgetHost.analyze("let a = widget(\"a\")\nexpect a.speed.mean - a.speed.max > -1 or a.noise.db == 3")
        let term = try #require(analysis.interpretation?.expectations.first?.term)
        let values = ["mean": 1.0, "max": 3.0, "db": 3.0]
        #expect(term.evaluate { values[$0.metric] } == .passed)
        #expect(term.evaluate { $0.metric == "db" ? 4 : values[$0.metric] } == .failed)
    }
}
