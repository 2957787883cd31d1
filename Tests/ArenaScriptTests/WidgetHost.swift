import ArenaScript

/// A host unrelated to benchmarking, to show the language knows nothing of models or tasks: it
/// registers a `Widget` type, `widget(name, size:)`, `ship(w, to:)` which records an event, and
/// widget results `w.speed.mean` / `w.speed.max` for expectations.
enum WidgetHost {
    static let environment: HostEnvironment = {
        var host = HostEnvironment()
        host.declareType("Widget")
        host.resultSchema = ResultSchema(subjectType: "Widget", metrics: ["speed": ["max", "mean"], "noise": ["db"]])
        host.register(BuiltinFunction(
            "widget",
            parameters: [
                Parameter("name", positional: true, .string, .required),
                Parameter("size", .number, .defaultValue(.number(1)), rule: { v in
                    (v.integerValue ?? 0) >= 1 ? nil : ArgumentProblem("must be a whole number of at least 1, found \(v)")
                }),
                Parameter("tags", .list(.string)),
            ],
            returns: .host("Widget"),
            body: { (call: BuiltinCall) throws(ArgumentProblem) -> BuiltinResult in
                if call["name"] == .string("boom") { throw ArgumentProblem("cannot make a widget named boom", parameter: "name") }
                return BuiltinResult(call.object("Widget", call.arguments))
            }))
        host.register(BuiltinFunction(
            "ship",
            parameters: [Parameter("widget", positional: true, .host("Widget"), .required), Parameter("to", .string, .required)],
            returns: .void,
            body: { call in BuiltinResult(.void, events: [HostEvent(name: "ship", payload: .record(call.arguments))]) }))
        host.register(BuiltinFunction(
            "standard", parameters: [Parameter("size", .number)], returns: .host("Widget"), usableAsValue: true,
            body: { call in BuiltinResult(call.object("Widget", ["name": .string("standard"), "size": call["size"] ?? .number(1)])) }))
        return host
    }()

    static func analyze(_ source: String) -> ScriptAnalysis {
        ScriptAnalysis(source: source, host: environment)
    }
}
