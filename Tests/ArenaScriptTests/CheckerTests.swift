import ArenaScript
import Testing

/// The checker against a host that has nothing to do with benchmarking (`WidgetHost`).
@Suite struct CheckerTests {
    func errors(_ source: String) -> [String] {
        WidgetHost.analyze(source).diagnostics.filter { $0.severity == .error }.map(\.message)
    }

    @Test func aCleanProgramHasNoDiagnostics() {
        let analysis = WidgetHost.analyze("""
        let w = widget("a", size: 2, tags: ["x", "y"])
        let parts = [w, standard, standard(size: 3)]
        for p in parts { ship(p, to: "lab-\\(1 + 1)") }
        expect w.speed.mean >= w.speed.max * 0.5 and not (w.noise.db > 40)
        """)
        #expect(analysis.diagnostics.isEmpty)
        #expect(analysis.interpretation != nil)
    }

    @Test(arguments: [
        ("ship(widget(\"a\"))", "missing argument 'to' in call to ship"),
        ("ship(widget(\"a\"), to: \"x\", to: \"y\")", "argument 'to' is given twice"),
        ("ship(widget(\"a\"), too: \"x\")", "ship has no parameter 'too'"),
        ("widget(\"a\", size: \"big\")", "argument 'size' of widget must be a Number, found String"),
        ("widget(\"a\", size: 0)", "argument 'size' of widget must be a whole number of at least 1, found 0"),
        ("widget(\"a\", tags: [1, 2])", "argument 'tags' of widget must be a [String], found [Number]"),
        ("widget(\"a\", \"b\")", "this argument to widget needs a label"),
        ("gadget(\"a\")", "unknown function 'gadget'"),
        ("let x = wdget", "unknown name 'wdget'"),
        ("let x = ship", "'ship' is a function; call it as ship(...)"),
        ("let x = ship(standard, to: \"a\")", "'ship' gives no value to bind"),
        ("let x = 1\nlet x = 2", "'x' is already bound"),
        ("let widget = 1", "'widget' is the name of a built-in and cannot be rebound"),
        ("let x = 1\nx(2)", "'x' is not a function"),
        ("let x = [1, \"a\"]", "a list holds values of one type; this one mixes Number and String"),
        ("let x = 1 + \"a\"", "the right side of '+' must be a Number, found String"),
        ("let x = \"a\" < \"b\"", "the left side of '<' must be a Number, found String"),
        ("let x = 1 == \"a\"", "cannot compare a Number with a String"),
        ("for x in 3 { }", "'for' needs a list to loop over, found Number"),
        ("expect 1 + 1", "'expect' must be a Bool, found Number"),
        ("expect standard.speed.median > 1", "task 'speed' has no metric 'median'"),
        ("expect standard.sped.mean > 1", "Widget has no results for 'sped'"),
        ("let s = standard.speed.mean", "results of 'standard' on speed exist only after running; use them inside 'expect'"),
        ("let r = [a: 1]\nlet v = r.b", "the record has no key 'b'"),
        ("let v = \"a\".size", "a String has no member 'size'"),
        ("limit 2.5", "'limit' must be a whole number of at least 1, found 2.5"),
        ("experiment 5", "the experiment name must be a String, found Number"),
    ])
    func rejects(source: String, message: String) {
        #expect(errors(source).contains(message), "\(errors(source))")
    }

    @Test func oneMistakeIsReportedOnce() {
        // `nope` is unknown; the expression built on it must not add more errors.
        #expect(errors("let x = nope + 1 > 2 and nope.speed.mean").count == 2)
    }

    @Test func everyIndependentErrorIsReported() {
        let found = errors("""
        let a = widget("a", size: 0)
        let b = widget(7)
        ship(a, tx: "x")
        """)
        #expect(found.count == 4)
    }

    @Test func loopVariablesAreScopedToTheLoop() {
        #expect(errors("for w in [standard] { ship(w, to: \"a\") }\nlet w = 1").isEmpty)
        #expect(errors("for w in [standard] { let inner = 1 }\nlet v = inner") == ["unknown name 'inner'"])
    }

    @Test func anUnusedValueIsAWarning() {
        let analysis = WidgetHost.analyze("1 + 2")
        #expect(analysis.diagnostics.map(\.severity) == [.warning])
        #expect(analysis.interpretation != nil)
    }
}
