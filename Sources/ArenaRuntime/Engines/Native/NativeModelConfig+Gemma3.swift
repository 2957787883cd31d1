import Foundation

extension NativeModelConfig {
    /// Which layers of a Gemma 3 model are local: all but every `pattern`-th (layer i is local when
    /// (i + 1) % pattern != 0), as Hugging Face's default `layer_types` and llama.cpp's
    /// `set_swa_pattern` both say.
    static func gemma3LocalLayers(count: Int, pattern: Int) -> [Bool] {
        (0 ..< count).map { ($0 + 1) % pattern != 0 }
    }

    /// The Gemma 3 options of a Hugging Face `gemma3_text` config.json (after the fields every
    /// architecture shares): `hidden_activation` gelu_pytorch_tanh, `query_pre_attn_scalar`
    /// (default 256), `sliding_window` (default 4096) with `layer_types` or
    /// `sliding_window_pattern` (default 6), `rope_local_base_freq` (default 10000), or the same
    /// in `rope_parameters`, `final_logit_softcapping`; `attn_logit_softcapping` and bidirectional
    /// attention are refused.
    mutating func readGemma3(json: JSONValue, path: String) throws {
        func field(_ key: String) -> JSONValue? {
            guard let value = json[key] else { return nil }
            if case .null = value { return nil }
            return value
        }
        func positive(_ key: String, default fallback: Double) throws -> Double {
            guard let value = field(key) else { return fallback }
            guard let d = value.doubleValue, d > 0 else {
                throw NativeModelError.invalidConfig(path: path, field: key, reason: "expected a positive number, found \(value.serialized(indent: nil))")
            }
            return d
        }
        if let act = field("hidden_activation") ?? field("hidden_act"), act.stringValue != "gelu_pytorch_tanh" {
            throw NativeModelError.unsupportedConfig(path: path, field: "hidden_activation", value: act.serialized(indent: nil))
        }
        if let cap = field("attn_logit_softcapping") {
            throw NativeModelError.unsupportedConfig(path: path, field: "attn_logit_softcapping", value: cap.serialized(indent: nil))
        }
        if let bidirectional = field("use_bidirectional_attention"), bidirectional.boolValue != false {
            throw NativeModelError.unsupportedConfig(path: path, field: "use_bidirectional_attention", value: bidirectional.serialized(indent: nil))
        }
        activation = .geluTanh
        embeddingScale = Float(Double(hiddenSize).squareRoot())
        normWeightOffset = 1
        sandwichNorms = true
        queryKeyNorm = true
        attentionScale = Float(pow(try positive("query_pre_attn_scalar", default: 256), -0.5))
        if field("final_logit_softcapping") != nil {
            finalLogitSoftcap = Float(try positive("final_logit_softcapping", default: 1))
        }
        var localTheta = try positive("rope_local_base_freq", default: 10000)
        if let parameters = field("rope_parameters") {
            // transformers 5: one rope description per attention kind.
            guard let full = parameters["full_attention"], let local = parameters["sliding_attention"] else {
                throw NativeModelError.invalidConfig(path: path, field: "rope_parameters", reason: "expected full_attention and sliding_attention objects")
            }
            guard let theta = full["rope_theta"]?.doubleValue, theta > 0, let thetaLocal = local["rope_theta"]?.doubleValue, thetaLocal > 0 else {
                throw NativeModelError.invalidConfig(path: path, field: "rope_parameters.rope_theta", reason: "missing or not a positive number")
            }
            ropeTheta = theta
            ropeScaling = try Self.parseRopeScaling(full, path: path)
            guard try Self.parseRopeScaling(local, path: path) == .none else {
                throw NativeModelError.unsupportedConfig(path: path, field: "rope_parameters.sliding_attention.rope_type", value: local["rope_type"]?.serialized(indent: nil) ?? "null")
            }
            localTheta = thetaLocal
        }
        let window = field("sliding_window") == nil ? 4096 : try positive("sliding_window", default: 4096)
        guard window == window.rounded() else {
            throw NativeModelError.invalidConfig(path: path, field: "sliding_window", reason: "expected a positive integer")
        }
        let layers: [Bool]
        if let types = field("layer_types") {
            guard let list = types.arrayValue, list.count == layerCount else {
                throw NativeModelError.invalidConfig(path: path, field: "layer_types", reason: "expected a list of \(layerCount) layer types")
            }
            layers = try list.enumerated().map { index, value in
                switch value.stringValue {
                case "sliding_attention"?: return true
                case "full_attention"?: return false
                default: throw NativeModelError.unsupportedConfig(path: path, field: "layer_types[\(index)]", value: value.serialized(indent: nil))
                }
            }
        } else {
            let key = field("sliding_window_pattern") != nil ? "sliding_window_pattern" : "_sliding_window_pattern"
            let pattern = try positive(key, default: 6)
            guard pattern == pattern.rounded() else {
                throw NativeModelError.invalidConfig(path: path, field: key, reason: "expected a positive integer")
            }
            layers = Self.gemma3LocalLayers(count: layerCount, pattern: Int(pattern))
        }
        localAttention = LocalAttention(window: Int(window), ropeTheta: localTheta, layers: layers)
    }
}
