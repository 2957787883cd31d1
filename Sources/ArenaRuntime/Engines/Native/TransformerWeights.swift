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
    let output: LinearWeights
    let postAttentionNorm: [Float]
    let gate: LinearWeights
    let up: LinearWeights
    let down: LinearWeights
}

/// Every weight of a llama-family decoder, with the shapes config.json implies.
struct TransformerWeights: Sendable {
    let embedding: [Float]
    let layers: [DecoderLayerWeights]
    let finalNorm: [Float]
    let lmHead: LinearWeights

    init(config c: NativeModelConfig, source: some NativeTensorSource) throws {
        let hidden = c.hiddenSize
        let qOut = c.headCount * c.headDim, kvOut = c.keyValueHeadCount * c.headDim
        embedding = try source.floats("model.embed_tokens.weight", shape: [c.vocabSize, hidden])
        var layers: [DecoderLayerWeights] = []
        for i in 0 ..< c.layerCount {
            let p = "model.layers.\(i)."
            layers.append(DecoderLayerWeights(
                inputNorm: try source.floats(p + "input_layernorm.weight", shape: [hidden]),
                query: try LinearWeights(source, p + "self_attn.q_proj", out: qOut, in: hidden, bias: c.qkvBias),
                key: try LinearWeights(source, p + "self_attn.k_proj", out: kvOut, in: hidden, bias: c.qkvBias),
                value: try LinearWeights(source, p + "self_attn.v_proj", out: kvOut, in: hidden, bias: c.qkvBias),
                output: try LinearWeights(source, p + "self_attn.o_proj", out: hidden, in: qOut, bias: c.outputBias),
                postAttentionNorm: try source.floats(p + "post_attention_layernorm.weight", shape: [hidden]),
                gate: try LinearWeights(source, p + "mlp.gate_proj", out: c.intermediateSize, in: hidden, bias: c.mlpBias),
                up: try LinearWeights(source, p + "mlp.up_proj", out: c.intermediateSize, in: hidden, bias: c.mlpBias),
                down: try LinearWeights(source, p + "mlp.down_proj", out: hidden, in: c.intermediateSize, bias: c.mlpBias)
            ))
        }
        self.layers = layers
        finalNorm = try source.floats("model.norm.weight", shape: [hidden])
        if c.tieWordEmbeddings {
            lmHead = LinearWeights(outFeatures: c.vocabSize, inFeatures: hidden, weight: embedding)
        } else {
            lmHead = try LinearWeights(source, "lm_head", out: c.vocabSize, in: hidden, bias: false)
        }
    }
}
