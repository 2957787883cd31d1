/// A precision a vLLM or SGLang server starts with: the name an experiment writes and the server
/// arguments it becomes (both servers take the same `--dtype` and `--quantization` values).
public struct EnginePrecision: Sendable, Hashable {
    public var name: String
    public var serverArguments: [String]

    public init(_ name: String, _ serverArguments: [String]) {
        self.name = name
        self.serverArguments = serverArguments
    }
}

/// How an engine decodes generations.
public enum SamplingSupport: Sendable, Equatable {
    /// The server's own sampler: `temperature`, `top_k` and `top_p` go with each request.
    case server
    /// Greedy decoding only: temperature 0; `top_k` and `top_p`, which only shape sampling, are refused.
    case greedy

    /// Why a generation with these settings cannot run on an engine that decodes this way, or nil.
    public func problem(temperature: Double?, topK: Int?, topP: Double?) -> String? {
        guard self == .greedy else { return nil }
        if let temperature, temperature != 0 {
            return "decodes greedily; temperature \(PythonFloat.repr(temperature)) is not supported (use 0)"
        }
        if topK != nil { return "decodes greedily; top_k applies only to sampling" }
        if topP != nil { return "decodes greedily; top_p applies only to sampling" }
        return nil
    }

    public func problem(_ settings: GenerationSettings) -> String? {
        problem(temperature: settings.temperature, topK: settings.topK, topP: settings.topP)
    }

    /// What the docs say of it.
    public var summary: String {
        switch self {
        case .server: "every setting, sent with each request"
        case .greedy: "greedy decoding: `temperature` 0 only; `top_k` and `top_p` are refused"
        }
    }
}

/// What a local model (`model("./folder")`) must be for an engine.
public enum LocalModelNeeds: Sendable, Equatable {
    /// A folder the native engine loads (config.json it understands, safetensors weights and
    /// tokenizer.json), or a GGUF file it runs (`GGUFModelFacts`).
    case nativeFolder
    /// A folder a server loads: config.json, weights and a tokenizer; `tokenizerJSON` when
    /// arena-script itself must tokenize with the folder's tokenizer.json (SGLang has no /tokenize).
    case serverFolder(tokenizerJSON: Bool)
    /// Anything that exists: the engine never reads it (an endpoint serves its own copy); `lock`
    /// hashes it.
    case exists

    /// What the docs and `check`'s hints say of it.
    public var summary: String {
        switch self {
        case .nativeFolder:
            "a folder with config.json, model.safetensors (or model.safetensors.index.json and its shards) and tokenizer.json, or a .gguf file of an architecture and tensor types the engine runs (see docs/native-engine.md), each opened with the engine's own reader"
        case .serverFolder(tokenizerJSON: false):
            "a folder with config.json, weights (\(LocalModelCheck.serverWeightSuffixes.map { "*\($0)" }.joined(separator: ", "))) and a tokenizer (\(LocalModelCheck.serverTokenizerFiles.joined(separator: ", "))), or a .gguf file"
        case .serverFolder(tokenizerJSON: true):
            "a folder with config.json, weights (\(LocalModelCheck.serverWeightSuffixes.map { "*\($0)" }.joined(separator: ", "))) and tokenizer.json (likelihoods are tokenized with it: SGLang has no /tokenize)"
        case .exists:
            "any existing file or folder (`lock` hashes it; the server has its own copy)"
        }
    }
}

/// What one engine kind accepts and can do: the one source the checker (through the built-ins
/// and the plan builder) and the engines (command builder, native engine, engine provider) read.
public struct EngineCapabilities: Sendable {
    /// Precisions `precision:` takes; empty when the engine has no `precision:` parameter.
    public var precisions: [EnginePrecision]
    public var sampling: SamplingSupport
    public var localModel: LocalModelNeeds

    public func precision(named name: String) -> EnginePrecision? { precisions.first { $0.name == name } }

    /// `--dtype` and `--quantization` values vLLM and SGLang both take. Low-bit formats (int8,
    /// int4, fp4) are not a flag: a checkpoint quantized that way loads with "auto".
    public static let serverPrecisions = [
        EnginePrecision("auto", ["--dtype", "auto"]),
        EnginePrecision("bf16", ["--dtype", "bfloat16"]),
        EnginePrecision("fp16", ["--dtype", "float16"]),
        EnginePrecision("fp32", ["--dtype", "float32"]),
        EnginePrecision("fp8", ["--quantization", "fp8"]),
        EnginePrecision("awq", ["--quantization", "awq"]),
        EnginePrecision("gptq", ["--quantization", "gptq"]),
        EnginePrecision("bitsandbytes", ["--quantization", "bitsandbytes"]),
    ]
}

extension EngineKind {
    public var capabilities: EngineCapabilities {
        switch self {
        case .native: EngineCapabilities(precisions: [], sampling: .greedy, localModel: .nativeFolder)
        case .vllm: EngineCapabilities(precisions: EngineCapabilities.serverPrecisions, sampling: .server, localModel: .serverFolder(tokenizerJSON: false))
        case .sglang: EngineCapabilities(precisions: EngineCapabilities.serverPrecisions, sampling: .server, localModel: .serverFolder(tokenizerJSON: true))
        case .endpoint: EngineCapabilities(precisions: [], sampling: .server, localModel: .exists)
        }
    }
}
