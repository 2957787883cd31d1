import Foundation

/// How rotary position frequencies are rescaled (`rope_scaling` in config.json).
public enum RopeScaling: Sendable, Equatable {
    case none
    /// Positions divided by `factor`.
    case linear(factor: Double)
    /// Llama 3's frequency-dependent scaling.
    case llama3(factor: Double, lowFrequencyFactor: Double, highFrequencyFactor: Double, originalMaxPositions: Int)
}

/// The activation inside the gated MLP: `act(gate) * up`.
public enum HiddenActivation: String, Sendable, Equatable {
    /// SwiGLU (llama, mistral, qwen2).
    case silu
    /// GeGLU with the tanh approximation of GELU (Gemma's `gelu_pytorch_tanh`).
    case geluTanh
}

/// Gemma 3's local layers: each attends only to the last `window` positions (itself included)
/// and is rotated with its own base and no rope scaling.
public struct LocalAttention: Sendable, Equatable {
    public var window: Int
    public var ropeTheta: Double
    /// One entry per layer: true for a local (sliding-window) layer, false for a global one.
    public var layers: [Bool]
}

/// The architecture hyper-parameters of a llama, qwen2, mistral or Gemma 3 model, read from
/// config.json or GGUF metadata. The options after `eosTokenIds` are the Gemma 3 parts of the one
/// forward pass; their defaults are llama's.
public struct NativeModelConfig: Sendable, Equatable {
    public var modelType: String
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var layerCount: Int
    public var headCount: Int
    public var keyValueHeadCount: Int
    public var headDim: Int
    public var vocabSize: Int
    public var maxPositions: Int
    public var rmsNormEpsilon: Float
    public var ropeTheta: Double
    public var ropeScaling: RopeScaling
    public var tieWordEmbeddings: Bool
    /// q/k/v projections carry a bias (always for qwen2; `attention_bias` for llama).
    public var qkvBias: Bool
    /// o_proj carries a bias (llama's `attention_bias`).
    public var outputBias: Bool
    /// gate/up/down projections carry a bias (llama's `mlp_bias`).
    public var mlpBias: Bool
    /// Mistral's sliding attention window, when the config sets one.
    public var slidingWindow: Int?
    public var bosTokenId: Int?
    public var eosTokenIds: [Int]

    /// Multiplies the token embeddings before the first layer (Gemma: sqrt(hidden_size)).
    public var embeddingScale: Float? = nil
    public var activation: HiddenActivation = .silu
    /// Added to every stored RMSNorm weight when loading (1 for Hugging Face Gemma, whose norms
    /// scale by 1 + weight; 0 for GGUF files, where llama.cpp's converter has added it).
    public var normWeightOffset: Float = 0
    /// RMSNorms on the attention output and on the MLP output before each residual add, the MLP
    /// input norm being `pre_feedforward_layernorm` (Gemma 2 and 3).
    public var sandwichNorms = false
    /// Per-head RMSNorm of q and k before the rotation (`q_norm`, `k_norm`).
    public var queryKeyNorm = false
    /// The factor on q·k; nil is 1/sqrt(headDim).
    public var attentionScale: Float? = nil
    public var localAttention: LocalAttention? = nil
    /// `cap · tanh(logit / cap)` on the output logits.
    public var finalLogitSoftcap: Float? = nil

    public static let supportedModelTypes = ["llama", "mistral", "qwen2", "gemma3_text"]

    /// Parses config.json; `path` is used in error messages.
    public init(json: JSONValue, path: String) throws {
        func field(_ key: String) -> JSONValue? {
            guard let value = json[key] else { return nil }
            if case .null = value { return nil }
            return value
        }
        func int(_ key: String) throws -> Int {
            guard let value = field(key) else { throw NativeModelError.invalidConfig(path: path, field: key, reason: "missing") }
            guard let i = value.intValue, i > 0 else { throw NativeModelError.invalidConfig(path: path, field: key, reason: "expected a positive integer, found \(value.serialized(indent: nil))") }
            return i
        }
        func double(_ key: String, default fallback: Double) throws -> Double {
            guard let value = field(key) else { return fallback }
            guard let d = value.doubleValue else { throw NativeModelError.invalidConfig(path: path, field: key, reason: "expected a number, found \(value.serialized(indent: nil))") }
            return d
        }
        func bool(_ key: String, default fallback: Bool) throws -> Bool {
            guard let value = field(key) else { return fallback }
            guard let b = value.boolValue else { throw NativeModelError.invalidConfig(path: path, field: key, reason: "expected true or false, found \(value.serialized(indent: nil))") }
            return b
        }

        guard let type = field("model_type")?.stringValue else {
            throw NativeModelError.invalidConfig(path: path, field: "model_type", reason: "missing or not a string")
        }
        guard Self.supportedModelTypes.contains(type) else {
            throw NativeModelError.unsupportedConfig(path: path, field: "model_type", value: "\"\(type)\"")
        }
        modelType = type
        if type != "gemma3_text", let act = field("hidden_act") ?? field("hidden_activation"), act.stringValue != "silu" {
            throw NativeModelError.unsupportedConfig(path: path, field: "hidden_act", value: act.serialized(indent: nil))
        }
        hiddenSize = try int("hidden_size")
        intermediateSize = try int("intermediate_size")
        layerCount = try int("num_hidden_layers")
        headCount = try int("num_attention_heads")
        keyValueHeadCount = field("num_key_value_heads") == nil ? headCount : try int("num_key_value_heads")
        guard headCount % keyValueHeadCount == 0 else {
            throw NativeModelError.invalidConfig(path: path, field: "num_key_value_heads", reason: "\(keyValueHeadCount) does not divide num_attention_heads \(headCount)")
        }
        if field("head_dim") != nil {
            headDim = try int("head_dim")
        } else {
            guard hiddenSize % headCount == 0 else {
                throw NativeModelError.invalidConfig(path: path, field: "hidden_size", reason: "\(hiddenSize) is not a multiple of num_attention_heads \(headCount) and head_dim is absent")
            }
            headDim = hiddenSize / headCount
        }
        guard headDim % 2 == 0 else { throw NativeModelError.invalidConfig(path: path, field: "head_dim", reason: "rotary embeddings need an even head_dim, found \(headDim)") }
        vocabSize = try int("vocab_size")
        maxPositions = try int("max_position_embeddings")
        let eps = try double("rms_norm_eps", default: 1e-6)
        guard eps > 0 else { throw NativeModelError.invalidConfig(path: path, field: "rms_norm_eps", reason: "must be positive") }
        rmsNormEpsilon = Float(eps)
        ropeTheta = try double("rope_theta", default: 10000)
        guard ropeTheta > 0 else { throw NativeModelError.invalidConfig(path: path, field: "rope_theta", reason: "must be positive") }
        ropeScaling = try Self.parseRopeScaling(field("rope_scaling"), path: path)
        tieWordEmbeddings = try bool("tie_word_embeddings", default: type == "gemma3_text")
        let attentionBias = try bool("attention_bias", default: false)
        qkvBias = type == "qwen2" || attentionBias
        outputBias = type != "qwen2" && attentionBias
        mlpBias = try bool("mlp_bias", default: false)
        let usesSlidingWindow = try bool("use_sliding_window", default: false)
        if type == "mistral" || (type == "qwen2" && usesSlidingWindow) {
            slidingWindow = field("sliding_window") == nil ? nil : try int("sliding_window")
        } else {
            slidingWindow = nil
        }
        bosTokenId = field("bos_token_id")?.intValue
        switch field("eos_token_id") {
        case let .int(id)?: eosTokenIds = [id]
        case let .array(ids)?: eosTokenIds = ids.compactMap(\.intValue)
        default: eosTokenIds = []
        }
        if type == "gemma3_text" { try readGemma3(json: json, path: path) }
    }

    static func parseRopeScaling(_ value: JSONValue?, path: String) throws -> RopeScaling {
        guard let value else { return .none }
        guard case .object = value else {
            throw NativeModelError.invalidConfig(path: path, field: "rope_scaling", reason: "expected an object or null")
        }
        let kind = value["rope_type"]?.stringValue ?? value["type"]?.stringValue ?? "default"
        func number(_ key: String) throws -> Double {
            guard let d = value[key]?.doubleValue else {
                throw NativeModelError.invalidConfig(path: path, field: "rope_scaling.\(key)", reason: "missing or not a number")
            }
            return d
        }
        switch kind {
        case "default": return .none
        case "linear": return .linear(factor: try number("factor"))
        case "llama3":
            let low = try number("low_freq_factor"), high = try number("high_freq_factor")
            guard high != low else { throw NativeModelError.invalidConfig(path: path, field: "rope_scaling.high_freq_factor", reason: "must differ from low_freq_factor") }
            guard let original = value["original_max_position_embeddings"]?.intValue, original > 0 else {
                throw NativeModelError.invalidConfig(path: path, field: "rope_scaling.original_max_position_embeddings", reason: "missing or not a positive integer")
            }
            return .llama3(factor: try number("factor"), lowFrequencyFactor: low, highFrequencyFactor: high, originalMaxPositions: original)
        default:
            throw NativeModelError.unsupportedConfig(path: path, field: "rope_scaling.rope_type", value: "\"\(kind)\"")
        }
    }

    public static func load(from url: URL) throws -> NativeModelConfig {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw NativeModelError.unreadableFile(path: url.path, reason: error.localizedDescription)
        }
        let json: JSONValue
        do { json = try JSONValue.parse(data) } catch {
            throw NativeModelError.invalidConfig(path: url.path, field: "(document)", reason: "not valid JSON: \(error)")
        }
        return try NativeModelConfig(json: json, path: url.path)
    }
}
