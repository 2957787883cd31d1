/// The tensors of a GGUF file under the Hugging Face names `TransformerWeights` asks for, converted
/// to Float. llama.cpp's converter stores the q and k projections of `llama` models with the rows
/// of each head permuted for its interleaved rotary layout (`LlamaModel.permute`: row
/// `2i + j` of a head holds Hugging Face's row `j·d/2 + i`); they are permuted back here, so the
/// engine's rotary embedding on the two halves of each head applies unchanged. `gemma3` files keep
/// Hugging Face's row order (llama.cpp rotates them NEOX-style, on the halves) and name Gemma's
/// four norms of a layer `attn_norm`, `post_attention_norm`, `ffn_norm` (before the MLP) and
/// `post_ffw_norm`, its q/k norms `attn_q_norm` and `attn_k_norm`.
struct GGUFTensorSource: NativeTensorSource {
    let file: GGUFFile
    let config: NativeModelConfig

    static let layerNames: [(huggingFace: String, gguf: String)] = [
        ("input_layernorm", "attn_norm"), ("self_attn.q_proj", "attn_q"), ("self_attn.k_proj", "attn_k"),
        ("self_attn.v_proj", "attn_v"), ("self_attn.o_proj", "attn_output"), ("post_attention_layernorm", "ffn_norm"),
        ("mlp.gate_proj", "ffn_gate"), ("mlp.up_proj", "ffn_up"), ("mlp.down_proj", "ffn_down"),
    ]

    static let gemma3LayerNames: [(huggingFace: String, gguf: String)] = [
        ("input_layernorm", "attn_norm"), ("self_attn.q_proj", "attn_q"), ("self_attn.k_proj", "attn_k"),
        ("self_attn.v_proj", "attn_v"), ("self_attn.q_norm", "attn_q_norm"), ("self_attn.k_norm", "attn_k_norm"),
        ("self_attn.o_proj", "attn_output"), ("post_attention_layernorm", "post_attention_norm"),
        ("pre_feedforward_layernorm", "ffn_norm"), ("mlp.gate_proj", "ffn_gate"), ("mlp.up_proj", "ffn_up"),
        ("mlp.down_proj", "ffn_down"), ("post_feedforward_layernorm", "post_ffw_norm"),
    ]

    /// llama.cpp's converter permutes q/k rows only for its `llama` architecture.
    var permutesQueryKeyRows: Bool { config.modelType == "llama" }

    /// The GGUF name of a Hugging Face tensor name, and the head count its rows are permuted over.
    func ggufName(_ name: String) -> (name: String, permutedHeads: Int?)? {
        switch name {
        case "model.embed_tokens.weight": return ("token_embd.weight", nil)
        case "model.norm.weight": return ("output_norm.weight", nil)
        case "lm_head.weight": return ("output.weight", nil)
        default: break
        }
        let parts = name.split(separator: ".", maxSplits: 3).map(String.init)
        guard parts.count == 4, parts[0] == "model", parts[1] == "layers", let layer = Int(parts[2]) else { return nil }
        let rest = parts[3]
        for (hf, gguf) in config.modelType == "gemma3" ? Self.gemma3LayerNames : Self.layerNames {
            for suffix in [".weight", ".bias"] where rest == hf + suffix {
                guard permutesQueryKeyRows else { return ("blk.\(layer).\(gguf)\(suffix)", nil) }
                let heads = hf == "self_attn.q_proj" ? config.headCount : hf == "self_attn.k_proj" ? config.keyValueHeadCount : nil
                return ("blk.\(layer).\(gguf)\(suffix)", heads)
            }
        }
        return nil
    }

    func contains(_ name: String) -> Bool {
        ggufName(name).map { file.tensor($0.name) != nil } ?? false
    }

    func floats(_ name: String, shape: [Int]) throws -> [Float] {
        guard let (ggufName, heads) = ggufName(name) else { throw NativeModelError.missingTensor(name: name, searched: file.path) }
        let values = try file.floats(ggufName, shape: shape)
        guard let heads else { return values }
        return Self.unpermuteRows(values, heads: heads, rowWidth: shape.count == 2 ? shape[1] : 1)
    }

    /// Undoes `LlamaModel.permute` on [heads · d, rowWidth] values: Hugging Face's row
    /// `h·d + j·d/2 + i` is the stored row `h·d + 2i + j`.
    static func unpermuteRows(_ values: [Float], heads: Int, rowWidth: Int) -> [Float] {
        let rows = values.count / rowWidth, d = rows / heads, half = d / 2
        var out = [Float](repeating: 0, count: values.count)
        values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for h in 0 ..< heads {
                    for j in 0 ..< 2 {
                        for i in 0 ..< half {
                            let to = (h * d + j * half + i) * rowWidth, from = (h * d + 2 * i + j) * rowWidth
                            dst.baseAddress!.advanced(by: to).update(from: src.baseAddress!.advanced(by: from), count: rowWidth)
                        }
                    }
                }
            }
        }
        return out
    }
}
