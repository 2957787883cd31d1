import ArenaScript

extension ArenaBuiltins {
    /// One built-in per task and tag, usable bare (`hellaswag`) or called (`gsm8k(fewshot: 5)`).
    static var taskFunctions: [BuiltinFunction] {
        TaskSignatures.tasks.map(\.name).map(taskFunction) + TaskSignatures.tags.keys.sorted().map(taskFunction)
    }

    static func taskFunction(_ name: String) -> BuiltinFunction {
        let members = TaskSignatures.expand(name)
        let isTag = TaskSignatures.tags[name] != nil
        let defaultShots = members.first?.defaultFewshot ?? 0
        return BuiltinFunction(
            name,
            parameters: [
                Parameter("fewshot", .number, rule: ValueRules.wholeNumber(atLeast: 0), summary: "few-shot examples, whole ≥ 0 (0 for tasks without a few-shot split); default \(defaultShots)"),
                Parameter("limit", .number, rule: ValueRules.wholeNumber(atLeast: 1), summary: "documents scored, whole ≥ 1; default the experiment's `limit`"),
                Parameter("dataset", datasetType, summary: "data replacing the task's Hub dataset; must give the split the task scores"),
                Parameter("generation", .record(.number), rule: { value in
                    guard case .record(let fields) = value else { return nil }
                    let unknown = fields.keys.sorted().filter { !TaskSignatures.generationKeys.contains($0) }
                    return unknown.isEmpty ? nil : ArgumentProblem("unknown generation setting '\(unknown[0])'",
                                                                   hint: "use \(TaskSignatures.generationKeys.joined(separator: ", "))")
                }, summary: "generation settings (\(TaskSignatures.generationKeys.joined(separator: ", "))) for generating tasks only: they replace the task's own and go with every generation request (to lm-eval as --gen_kwargs)"),
            ],
            returns: taskType,
            usableAsValue: true,
            summary: isTag ? "lm-eval tag for \(members.map(\.name).joined(separator: ", "))" : "lm-eval task \(name)",
            callRule: { args in
                var problems: [ArgumentProblem] = []
                if let shots = args["fewshot"]?.integerValue, shots > 0, let noPool = members.first(where: { $0.fewshotSplit == nil }) {
                    problems.append(ArgumentProblem("\(noPool.name) has no few-shot examples; fewshot must be 0", parameter: "fewshot"))
                }
                if args["generation"] != nil, let scoring = members.first(where: { !$0.generates }) {
                    problems.append(ArgumentProblem("\(scoring.name) scores choices by likelihood and generates nothing; generation: does not apply",
                                                    parameter: "generation"))
                }
                return problems
            },
            body: { call in
                var fields = call.arguments
                fields["name"] = .string(name)
                return BuiltinResult(call.object(TypeName.task, fields))
            })
    }
}
