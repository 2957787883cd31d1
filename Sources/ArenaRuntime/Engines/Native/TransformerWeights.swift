import Foundation

/// A linear layer `y = x W^T + b` with W stored row-major as [outFeatures, inFeatures] (Hugging
/// Face's layout), converted to Float.
struct LinearWeights: Sendable {
    let outFeatures: Int
    let inFeatures: Int
    let weight: [Float]
    let bias: [Float]?

    init(_ source: some NativeTensorSource, _ name: String, out: Int, in inputs: Int, bias hasBias: Bool) throws {
        outFeatures = out
        inFeatures = inputs
        weight = try source.floats(name + ".weight", shape: [out, inputs])
        bias = hasBias ? try source.floats(name + ".bias", shape: [out]) : nil
    }

    init(outFeatures: Int, inFeatures: Int, weight: [Float]) {
        self.outFeatures = outFeatures
        self.inFeatures = inFeatures
        self.weight = weight
        bias = nil
    }
}

struct DecoderLayerWeights: Sendable {
    let inputNorm: [Float]
    let query: LinearWeights
    let key: LinearWeights
    let value: LinearWeights
    /// Per-head norms of q and k (`queryKeyNorm`), [headDim] each.
    let queryNorm: [Float]?
    let keyNorm: [Float]?
    let output: LinearWeights
    /// The norm on the attention output (`sandwichNorms`: Gemma's post_attention_layernorm).
    let attentionOutputNorm: [Float]?
    /// The norm before the MLP (llama's post_attention_layernorm, Gemma's pre_feedforward_layernorm).
    let feedForwardNorm: [Float]
    let gate: LinearWeights
    let up: LinearWeights
    let down: LinearWeights
    /// The norm on the MLP output (`sandwichNorms`: post_feedforward_layernorm).
    let feedForwardOutputNorm: [Float]?
}

/// Every weight of a llama-family or Gemma 3 decoder, with the shapes config.json implies; norm
/// weights with the config's `normWeightOffset` added.
struct TransformerWeights: Sendable {
    let embedding: [Float]
    let layers: [DecoderLayerWeights]
    let finalNorm: [Float]
    let lmHead: LinearWeights

    init(config c: NativeModelConfig, source: some NativeTensorSource) throws {
        let hidden = c.hiddenSize
        let qOut = c.headCount * c.headDim, kvOut = c.keyValueHeadCount * c.headDim
        embedding = try source.floats("model.embed_tokens.weight", shape: [c.vocabSize, hidden])
        func norm(_ name: String, _ size: Int) throws -> [Float] {
            let stored = try source.floats(name, shape: [size])
            return c.normWeightOffset == 0 ? stored : stored.map { $0 + c.normWeightOffset }
        }
        var layers: [DecoderLayerWeights] = []
        for i in 0 ..< c.layerCount {
            let p = "model.layers.\(i)."
            let sandwich = c.sandwichNorms
            layers.append(DecoderLayerWeights(
                inputNorm: try norm(p + "input_layernorm.weight", hidden),
                query: try LinearWeights(source, p + "self_attn.q_proj", out: qOut, in: hidden, bias: c.qkvBias),
                key: try LinearWeights(source, p + "self_attn.k_proj", out: kvOut, in: hidden, bias: c.qkvBias),
                value: try LinearWeights(source, p + "self_attn.v_proj", out: kvOut, in: hidden, bias: c.qkvBias),
                queryNorm: c.queryKeyNorm ? try norm(p + "self_attn.q_norm.weight", c.headDim) : nil,
                keyNorm: c.queryKeyNorm ? try norm(p + "self_attn.k_norm.weight", c.headDim) : nil,
                output: try LinearWeights(source, p + "self_attn.o_proj", out: hidden, in: qOut, bias: c.outputBias),
                attentionOutputNorm: sandwich ? try norm(p + "post_attention_layernorm.weight", hidden) : nil,
                feedForwardNorm: try norm(p + (sandwich ? "pre_feedforward_layernorm.weight" : "post_attention_layernorm.weight"), hidden),
                gate: try LinearWeights(source, p + "mlp.gate_proj", out: c.intermediateSize, in: hidden, bias: c.mlpBias),
                up: try LinearWeights(source, p + "mlp.up_proj", out: c.intermediateSize, in: hidden, bias: c.mlpBias),
                down: try LinearWeights(source, p + "mlp.down_proj", out: hidden, in: c.intermediateSize, bias: c.mlpBias),
                feedForwardOutputNorm: sandwich ? try norm(p + "post_feedforward_layernorm.weight", hidden) : nil
            ))
        }
        self.layers = layers
        finalNorm = try norm("model.norm.weight", hidden)
        if c.tieWordEmbeddings {
            lmHead = LinearWeights(outFeatures: c.vocabSize, inFeatures: hidden, weight: embedding)
        } else {
            lmHead = try LinearWeights(source, "lm_head", out: c.vocabSize, in: hidden, bias: false)
        }
    }
}
