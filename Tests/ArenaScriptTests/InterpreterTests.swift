import ArenaScript
import Testing

@Suite struct InterpreterTests {
    func run(_ source: String) throws -> Interpretation {
        let analysis = WidgetHost.analyze(source)
        #expect(!analysis.hasErrors, "\(analysis.diagnostics)")
        return try #require(analysis.interpretation)
    }

    @Test func settingsAndEventsInOrderWithTheirCells() throws {
        let result = try run("""
        experiment "ship-\\(2 * 3)"
        let a = widget("a")
        seed 7
        for w in [a, standard(size: 2)] {
            ship(w, to: "dock")
        }
        limit 3
        """)
        #expect(result.experimentName == "ship-6")
        #expect(result.seed == 7)
        #expect(result.limit == 3)
        #expect(result.events.map(\.name) == ["ship", "ship"])
        #expect(result.events.map(\.cell) == [3, 3])
        let shipped = result.events.compactMap { event -> String? in
            guard case .record(let payload) = event.payload, let w = payload["widget"]?.hostValue else { return nil }
            return result.name(of: w) + ":" + (w["size"]?.description ?? "")
        }
        #expect(shipped == ["a:1", "widget-2:2"])
    }

    /// A host object remembers where its call and each written argument are (not the defaults),
    /// and the ranges take no part in its equality.
    @Test func hostObjectsRememberWhereTheirArgumentsWereWritten() throws {
        let source = "let a = widget(\"a\", size: 3)\nlet b = widget(\"b\")\nship(a, to: \"dock\")\nship(b, to: \"dock\")"
        let result = try run(source)
        let widgets = result.events.compactMap { event -> HostObject? in
            guard case .record(let payload) = event.payload else { return nil }
            return payload["widget"]?.hostValue
        }
        let text = SourceText(source)
        #expect(widgets.map { text.slice($0.range) } == ["widget(\"a\", size: 3)", "widget(\"b\")"])
        #expect(text.slice(widgets[0].range(of: "name")) == "\"a\"")
        #expect(text.slice(widgets[0].range(of: "size")) == "3")
        // A default was not written: its place is the whole call.
        #expect(widgets[1].argumentRanges["size"] == nil && widgets[1].range(of: "size") == widgets[1].range)
        var moved = widgets[0]
        moved.range = .zero
        moved.argumentRanges = [:]
        #expect(moved == widgets[0] && moved.hashValue == widgets[0].hashValue)
    }

    @Test func bareNamesCallTheBuiltinWithDefaults() throws {
        let result = try run("let s = standard\nship(s, to: \"x\")")
        guard case .record(let payload) = result.events.first?.payload else { Issue.record("no event"); return }
        #expect(payload["widget"]?.hostValue?["size"] == .number(1))
        #expect(payload["widget"]?.hostValue.map(result.name(of:)) == "s")
    }

    @Test func interpolationFormatsNumbersAndBools() throws {
        let result = try run(#"experiment "\(1.5)-\(10)-\(true)-\("s")-\(1 / 4)""#)
        #expect(result.experimentName == "1.5-10-true-s-0.25")
    }

    @Test func aRuntimeProblemFromTheHostPointsAtTheArgument() {
        let analysis = WidgetHost.analyze("let n = \"boom\"\nlet w = widget(n)")
        #expect(analysis.interpretation == nil)
        let d = analysis.diagnostics.first
        #expect(d?.message == "cannot make a widget named boom")
        #expect(d?.line == 2)
        #expect(d?.column == 16)
    }

    @Test func ruleViolationsThroughVariablesAreCaughtWhileRunning() {
        let analysis = WidgetHost.analyze("for s in [2, 0] { let w = widget(\"a\", size: s) }")
        #expect(analysis.diagnostics.map(\.message) == ["argument 'size' of widget must be a whole number of at least 1, found 0"])
        #expect(analysis.diagnostics.first?.column == 45)
    }

    @Test func expectationsKeepResultsAndFoldBindings() throws {
        let result = try run("""
        let a = widget("a")
        let margin = 0.5
        for w in [a, standard] {
            expect w.speed.mean + margin >= 2 * a.speed.max
        }
        """)
        #expect(result.expectations.count == 2)
        #expect(result.expectations.map(\.source) == ["w.speed.mean + margin >= 2 * a.speed.max", "w.speed.mean + margin >= 2 * a.speed.max"])
        #expect(result.expectations.map(\.term.description) == [
            "a.speed.mean + 0.5 >= 2 * a.speed.max",
            "widget-2.speed.mean + 0.5 >= 2 * a.speed.max",
        ])
        #expect(result.expectations.first?.term.references == [
            ResultReference(model: "a", task: "speed", metric: "mean"),
            ResultReference(model: "a", task: "speed", metric: "max"),
        ])
    }

    @Test func aMissingRecordKeyFoundWhileRunningPointsAtTheKey() {
        let analysis = WidgetHost.analyze("for r in [[a: 1], [b: 2]] { let v = r.a }")
        #expect(analysis.diagnostics.map(\.message) == ["the record has no key 'a'"])
        #expect(analysis.diagnostics.first?.column == 39)
    }

    @Test func interpretingTwiceGivesTheSameResult() throws {
        let source = "let a = widget(\"a\")\nfor w in [a, standard] { ship(w, to: \"x\") }\nexpect a.speed.mean > 1"
        #expect(try run(source) == run(source))
    }
}
