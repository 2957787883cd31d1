import ArenaScript

extension ArenaBuiltins {
    public static let knownGPUs = ["A10G", "A100", "A100-40GB", "A100-80GB", "B200", "H100", "H200", "L4", "L40S",
                                   "MI300X", "MI325X", "MI355X", "RTX4090", "T4", "V100"]
    public static let knownHarnesses = ["native", "lm-eval"]

    static var clientParameters: [Parameter] {
        [
            Parameter("concurrency", .number, rule: ValueRules.wholeNumber(atLeast: 1), summary: "requests in flight at once, whole ≥ 1"),
            Parameter("batch_size", .number, rule: ValueRules.wholeNumber(atLeast: 1), summary: "prompts per request, whole ≥ 1"),
            Parameter("harness", .string, rule: ValueRules.oneOf(knownHarnesses, what: "harness"),
                      summary: "\"native\" (default) scores in Swift; \"lm-eval\" runs the tasks with lm-evaluation-harness against the server (the python of ARENA_LM_EVAL_PYTHON; its version pinned in the lockfile)"),
        ]
    }

    /// The precisions the engine kind starts with (`EngineCapabilities`, which the command builder reads too).
    static func precisionRule(_ kind: EngineKind) -> ValueRule {
        let names = kind.capabilities.precisions.map(\.name)
        return { value in
            guard let s = value.stringValue, kind.capabilities.precision(named: s) == nil else { return nil }
            let quantized = ["int8", "int4", "fp4", "nf4"].contains(s.lowercased())
            return ArgumentProblem("unknown precision \(value) for \(kind.rawValue)",
                                   hint: "use one of \(names.joined(separator: ", "))" + (quantized ? "; a checkpoint already quantized to \(s) loads with \"auto\"" : ""))
        }
    }

    static func serverFunction(_ kind: EngineKind) -> BuiltinFunction {
        BuiltinFunction(
            kind.rawValue,
            parameters: [
                Parameter("image", .string, rule: ValueRules.image, summary: "container image `name:tag[@sha256:<64 hex>]`; `lock` pins the digest; `:latest` or no tag is a warning"),
                Parameter("command", .string, rule: ValueRules.nonEmpty, summary: "a local command that starts the server (e.g. a virtualenv's `.venv/bin/vllm serve`; a relative program path is from the experiment's folder); exactly one of `image:` and `command:`"),
                Parameter("gpu", .string, rule: ValueRules.oneOf(knownGPUs, what: "GPU", caseInsensitive: true), summary: "GPU kind the run must get, one of \(knownGPUs.joined(separator: ", ")) (any case)"),
                Parameter("gpus", .number, rule: ValueRules.wholeNumber(atLeast: 1), summary: "GPU count, whole ≥ 1; default `tp`"),
                Parameter("tp", .number, .defaultValue(.number(1)), rule: ValueRules.wholeNumber(atLeast: 1), summary: "tensor-parallel size, whole ≥ 1 and ≤ `gpus`"),
                Parameter("precision", .string, rule: precisionRule(kind), summary: "one of \(kind.capabilities.precisions.map(\.name).joined(separator: ", ")): `--dtype` (auto, bf16, fp16, fp32) or `--quantization` (the others; awq, gptq and bitsandbytes need a checkpoint quantized that way); a checkpoint already quantized to another format (int8, int4, fp4) loads with \"auto\""),
                Parameter("max_model_len", .number, rule: ValueRules.wholeNumber(atLeast: 1), summary: "context length the server allows, whole ≥ 1"),
                Parameter("gpu_memory_utilization", .number, rule: ValueRules.fraction, summary: "fraction of GPU memory the server may take, in (0, 1]"),
                Parameter("args", .list(.string), summary: "extra server arguments, appended as given"),
            ] + clientParameters,
            returns: engineType,
            summary: "A \(kind.rawValue) server the runtime starts, from an image or a local command.",
            callRule: { args in
                var problems: [ArgumentProblem] = []
                switch (args["image"], args["command"]) {
                case (nil, nil): problems.append(ArgumentProblem("\(kind.rawValue) needs image: or command: to start the server"))
                case (.some, .some): problems.append(ArgumentProblem("give image: or command:, not both", parameter: "command"))
                default: break
                }
                if let tp = args["tp"]?.integerValue, let gpus = args["gpus"]?.integerValue, tp > gpus {
                    problems.append(ArgumentProblem("tp \(tp) needs at least \(tp) GPUs, but gpus is \(gpus)", parameter: "tp"))
                }
                return problems
            },
            body: { call in BuiltinResult(call.object(TypeName.engine, call.arguments.merging(["kind": .string(kind.rawValue)]) { a, _ in a })) })
    }

    static let endpointFunction = BuiltinFunction(
        "endpoint",
        parameters: [Parameter("url", .string, .required, rule: ValueRules.httpURL, summary: "base URL of an OpenAI-compatible server, http:// or https://"),
                     Parameter("max_model_len", .number, rule: ValueRules.wholeNumber(atLeast: 1),
                               summary: "the server's context length, for a server that does not report one (one it reports must agree), whole ≥ 1")]
            + clientParameters,
        returns: engineType,
        summary: "An OpenAI-compatible server that is already running (vLLM, SGLang, llama.cpp, TGI).",
        body: { call in BuiltinResult(call.object(TypeName.engine, call.arguments.merging(["kind": .string("endpoint")]) { a, _ in a })) })

    static let nativeFunction = BuiltinFunction(
        "native",
        parameters: [Parameter("threads", .number, rule: ValueRules.wholeNumber(atLeast: 1), summary: "worker threads, whole ≥ 1; default all cores")],
        returns: engineType,
        summary: "The in-process CPU engine (deterministic bit for bit).",
        body: { call in BuiltinResult(call.object(TypeName.engine, call.arguments.merging(["kind": .string("native")]) { a, _ in a })) })

    static let engineFunctions = [serverFunction(.vllm), serverFunction(.sglang), endpointFunction, nativeFunction]
}
