import ArenaScript

extension ArenaBuiltins {
    /// One built-in per task and tag, usable bare (`hellaswag`) or called (`gsm8k(fewshot: 5)`).
    static var taskFunctions: [BuiltinFunction] {
        TaskSignatures.names.map(taskFunction)
    }

    /// Known `generation:` keys with values they take (`GenerationSettings.overrides`).
    static let generationRule: ValueRule = { value in
        guard case .record(let fields) = value else { return nil }
        for key in fields.keys.sorted() {
            guard let setting = GenerationSettings.override(named: key) else {
                return ArgumentProblem("unknown generation setting '\(key)'", hint: "use \(TaskSignatures.generationKeys.joined(separator: ", "))")
            }
            if let number = fields[key]?.numberValue, !setting.accepts(number) {
                return ArgumentProblem("generation setting '\(key)' must be \(setting.requirement), found \(Value.format(number))")
            }
        }
        return nil
    }

    static func taskFunction(_ name: String) -> BuiltinFunction {
        let members = TaskSignatures.expand(name)
        let isTag = TaskCatalog.tags[name] != nil
        let defaultShots = members.first?.defaultFewshot ?? 0
        return BuiltinFunction(
            name,
            parameters: [
                Parameter("fewshot", .number, rule: ValueRules.wholeNumber(atLeast: 0), summary: "few-shot examples, whole ≥ 0 (0 for tasks without a few-shot split); default \(defaultShots)"),
                Parameter("limit", .number, rule: ValueRules.wholeNumber(atLeast: 1), summary: "documents scored, whole ≥ 1; default the experiment's `limit`"),
                Parameter("dataset", datasetType, summary: "data replacing the task's Hub dataset; must give the splits the task reads (its scored split, and its few-shot split when `fewshot` > 0: see Tasks)"),
                Parameter("generation", .record(.number), rule: generationRule, summary: "generation settings for generating tasks only (\(GenerationSettings.overrides.map { "`\($0.name)` \($0.requirement)" }.joined(separator: ", "))): they replace the task's own and go with every generation request (to lm-eval as --gen_kwargs); the engine must support them (`native` decodes greedily: temperature 0, no top_k or top_p)"),
            ],
            returns: taskType,
            usableAsValue: true,
            summary: isTag ? "lm-eval tag for \(members.map(\.name).joined(separator: ", "))" : "lm-eval task \(name)",
            callRule: { args in
                var problems: [ArgumentProblem] = []
                if let shots = args["fewshot"]?.integerValue, shots > 0, let noPool = members.first(where: { !$0.takesFewshot }) {
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
