import Foundation

extension NativeModelConfig {
    /// GGUF architectures the native engine runs.
    public static let supportedGGUFArchitectures = ["llama", "gemma3"]

    /// The hyper-parameters of a `llama`- or `gemma3`-architecture GGUF file, from its metadata (the keys
    /// llama.cpp reads: `<arch>.context_length`, `.embedding_length`, `.feed_forward_length`,
    /// `.block_count`, `.attention.head_count(_kv)`, `.attention.key_length`,
    /// `.attention.layer_norm_rms_epsilon`, `.rope.freq_base`, `.rope.dimension_count`,
    /// `.rope.scaling.type`/`.factor`); errors name the file and the key.
    public init(gguf file: GGUFFile) throws {
        let path = file.path
        guard let arch = file["general.architecture"]?.stringValue else {
            throw NativeModelError.invalidConfig(path: path, field: "general.architecture", reason: "missing or not a string")
        }
        guard Self.supportedGGUFArchitectures.contains(arch) else {
            throw NativeModelError.unsupportedConfig(path: path, field: "general.architecture", value: "\"\(arch)\"")
        }
        func int(_ key: String, default fallback: Int? = nil) throws -> Int {
            let field = "\(arch).\(key)"
            guard let value = file[field] else {
                if let fallback { return fallback }
                throw NativeModelError.invalidConfig(path: path, field: field, reason: "missing")
            }
            guard let i = value.intValue, i > 0 else {
                throw NativeModelError.invalidConfig(path: path, field: field, reason: "expected a positive integer, found \(value.type)")
            }
            return i
        }
        func double(_ key: String, default fallback: Double? = nil) throws -> Double {
            let field = "\(arch).\(key)"
            guard let value = file[field] else {
                if let fallback { return fallback }
                throw NativeModelError.invalidConfig(path: path, field: field, reason: "missing")
            }
            guard let d = value.doubleValue, d > 0 else {
                throw NativeModelError.invalidConfig(path: path, field: field, reason: "expected a positive number, found \(value.type)")
            }
            return d
        }

        modelType = arch
        hiddenSize = try int("embedding_length")
        intermediateSize = try int("feed_forward_length")
        layerCount = try int("block_count")
        headCount = try int("attention.head_count")
        keyValueHeadCount = try int("attention.head_count_kv", default: headCount)
        guard headCount % keyValueHeadCount == 0 else {
            throw NativeModelError.invalidConfig(path: path, field: "\(arch).attention.head_count_kv", reason: "\(keyValueHeadCount) does not divide the head count \(headCount)")
        }
        guard file["\(arch).attention.key_length"] != nil || hiddenSize % headCount == 0 else {
            throw NativeModelError.invalidConfig(path: path, field: "\(arch).attention.key_length", reason: "missing, and embedding_length \(hiddenSize) is not a multiple of the head count \(headCount)")
        }
        headDim = try int("attention.key_length", default: hiddenSize / headCount)
        guard try int("attention.value_length", default: headDim) == headDim else {
            throw NativeModelError.unsupportedConfig(path: path, field: "\(arch).attention.value_length", value: "\(try int("attention.value_length")) (differs from key_length \(headDim))")
        }
        guard headDim % 2 == 0 else {
            throw NativeModelError.invalidConfig(path: path, field: "\(arch).attention.key_length", reason: "rotary embeddings need an even head size, found \(headDim)")
        }
        let rotaryDims = try int("rope.dimension_count", default: headDim)
        guard rotaryDims == headDim else {
            throw NativeModelError.unsupportedConfig(path: path, field: "\(arch).rope.dimension_count", value: "\(rotaryDims) (partial rotary embeddings; the head size is \(headDim))")
        }
        guard let embedding = file.tensor("token_embd.weight"), embedding.dimensions.count == 2 else {
            throw NativeModelError.missingTensor(name: "token_embd.weight", searched: path)
        }
        vocabSize = try int("vocab_size", default: embedding.dimensions[1])
        maxPositions = try int("context_length")
        rmsNormEpsilon = Float(try double("attention.layer_norm_rms_epsilon"))
        ropeTheta = try double("rope.freq_base", default: 10000)
        switch file["\(arch).rope.scaling.type"]?.stringValue {
        case nil, "none"?:
            ropeScaling = .none
        case "linear"?:
            ropeScaling = .linear(factor: try double("rope.scaling.factor"))
        case let other?:
            throw NativeModelError.unsupportedConfig(path: path, field: "\(arch).rope.scaling.type", value: "\"\(other)\"")
        }
        if file.tensor("rope_freqs.weight") != nil {
            // Llama 3's frequency-dependent scaling, stored as per-frequency factors.
            throw NativeModelError.unsupportedConfig(path: path, field: "rope_freqs.weight", value: "(a tensor of rope frequency factors)")
        }
        tieWordEmbeddings = file.tensor("output.weight") == nil
        qkvBias = file.tensor("blk.0.attn_q.bias") != nil
        outputBias = file.tensor("blk.0.attn_output.bias") != nil
        mlpBias = file.tensor("blk.0.ffn_up.bias") != nil
        slidingWindow = nil
        bosTokenId = file["tokenizer.ggml.bos_token_id"]?.intValue
        eosTokenIds = [file["tokenizer.ggml.eos_token_id"]?.intValue].compactMap { $0 }
        if arch == "gemma3" {
            try readGemma3(gguf: file, int: int, double: double)
        }
    }

    /// The Gemma 3 options, as llama.cpp's `gemma3` reads them: embeddings times sqrt(n_embd),
    /// norms as stored (the converter has added Gemma's 1), GeGLU, sandwich and q/k norms, every
    /// 6th layer global (`.attention.sliding_window_pattern` when present) with local layers of
    /// `.attention.sliding_window` positions (none when absent) rotated with base
    /// `.rope.freq_base_swa` (default 10000) unscaled, q scaled by 1/sqrt(key_length) (by
    /// 1/sqrt(embedding_length / head_count) for the 62-layer 27B, as llama.cpp does), optional
    /// `.final_logit_softcapping`.
    private mutating func readGemma3(gguf file: GGUFFile, int: (String, Int?) throws -> Int, double: (String, Double?) throws -> Double) throws {
        let path = file.path
        if file["gemma3.attn_logit_softcapping"] != nil {
            throw NativeModelError.unsupportedConfig(path: path, field: "gemma3.attn_logit_softcapping", value: "(attention logit soft-capping)")
        }
        activation = .geluTanh
        embeddingScale = Float(hiddenSize).squareRoot()
        sandwichNorms = true
        queryKeyNorm = true
        attentionScale = 1 / Float(layerCount == 62 ? hiddenSize / headCount : headDim).squareRoot()
        if file["gemma3.final_logit_softcapping"] != nil {
            finalLogitSoftcap = Float(try double("final_logit_softcapping", nil))
        }
        if file["gemma3.attention.sliding_window"] != nil {
            let pattern = try int("attention.sliding_window_pattern", 6)
            localAttention = LocalAttention(window: try int("attention.sliding_window", nil), ropeTheta: try double("rope.freq_base_swa", 10000),
                                            layers: Self.gemma3LocalLayers(count: layerCount, pattern: pattern))
        }
    }
}
