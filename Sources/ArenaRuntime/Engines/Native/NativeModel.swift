import COpenBLAS
import Foundation

/// A llama-family or Gemma 3 decoder loaded from a Hugging Face folder or a GGUF file, computing
/// in Float; the config's per-architecture options switch the parts of the one forward pass.
/// Each sequence is computed on its own with fixed partitions of every product, so its logits are
/// bit-identical whatever else is in the batch and whatever the thread count.
public final class NativeModel: Sendable {
    /// The Hugging Face folder, or the GGUF file, the model was loaded from.
    public let folder: URL
    public let config: NativeModelConfig
    let weights: TransformerWeights
    let rotary: RotaryEmbedding
    /// The rotation of local (sliding-window) layers, with their own base and no scaling.
    let localRotary: RotaryEmbedding?

    public init(folder: URL) throws {
        self.folder = folder
        config = try NativeModelConfig.load(from: folder.appendingPathComponent("config.json"))
        weights = try TransformerWeights(config: config, source: try ModelTensorSource(folder: folder))
        rotary = RotaryEmbedding(config: config)
        localRotary = Self.localRotary(config)
    }

    /// Loads a GGUF file (`llama` or `gemma3` architecture; its tensors dequantized to Float).
    public init(gguf file: URL) throws {
        folder = file
        let gguf = try GGUFFile(path: file.path)
        config = try NativeModelConfig(gguf: gguf)
        weights = try TransformerWeights(config: config, source: GGUFTensorSource(file: gguf, config: config))
        rotary = RotaryEmbedding(config: config)
        localRotary = Self.localRotary(config)
    }

    private static func localRotary(_ config: NativeModelConfig) -> RotaryEmbedding? {
        config.localAttention.map { RotaryEmbedding(headDim: config.headDim, theta: $0.ropeTheta, scaling: .none) }
    }

    /// Logits of every position of `tokens`, [tokens.count][vocab]: a whole forward pass.
    public func logits(tokens: [Int], threads: Int) throws -> [[Float]] {
        let cache = KVCache(config: config, capacity: tokens.count)
        let flat = try forward(tokens[...], cache: cache, logitRows: 0 ..< tokens.count, partition: FixedPartition(threads: threads))
        let vocab = config.vocabSize
        return (0 ..< tokens.count).map { Array(flat[$0 * vocab ..< ($0 + 1) * vocab]) }
    }

    /// Runs `tokens` at positions `cache.count ..< cache.count + tokens.count`, appending their keys
    /// and values to `cache`, and returns the logits of the rows `logitRows` (relative to `tokens`)
    /// as [logitRows.count * vocab].
    func forward(_ tokens: ArraySlice<Int>, cache: KVCache, logitRows: Range<Int>, partition: FixedPartition) throws -> [Float] {
        let c = config
        let t = tokens.count, start = cache.count
        guard t > 0 else { return [] }
        guard start + t <= cache.capacity else {
            throw NativeModelError.sequenceTooLong(length: start + t, limit: cache.capacity, reason: "the key/value cache was sized for fewer positions")
        }
        if let window = c.slidingWindow, start + t > window {
            throw NativeModelError.sequenceTooLong(length: start + t, limit: window, reason: "the model's sliding_window attention is not implemented by the native engine")
        }
        for id in tokens where id < 0 || id >= c.vocabSize {
            throw NativeModelError.invalidTokens(reason: "id \(id) is outside the vocabulary 0..<\(c.vocabSize)")
        }
        let hidden = c.hiddenSize, qWidth = c.headCount * c.headDim, kvWidth = cache.width
        let x = ScratchBuffer(t * hidden), normed = ScratchBuffer(t * hidden), sub = ScratchBuffer(t * hidden)
        let q = ScratchBuffer(t * qWidth), attention = ScratchBuffer(t * qWidth)
        let gate = ScratchBuffer(t * c.intermediateSize), up = ScratchBuffer(t * c.intermediateSize)
        weights.embedding.withUnsafeBufferPointer { e in
            guard let table = e.baseAddress else { return }
            for (row, id) in tokens.enumerated() {
                (x.pointer + row * hidden).update(from: table + id * hidden, count: hidden)
            }
        }
        if let scale = c.embeddingScale {
            for i in 0 ..< t * hidden { x.pointer[i] *= scale }
        }
        let scores = (0 ..< min(partition.threads, c.headCount)).map { _ in ScratchBuffer(t * (start + t)) }
        let globalTable = rotary.table(start: start, count: t)
        let localTable = localRotary?.table(start: start, count: t)
        let eps = c.rmsNormEpsilon
        for (index, layer) in weights.layers.enumerated() {
            let keys = cache.keys[index] + start * kvWidth, values = cache.values[index] + start * kvWidth
            let window = c.localAttention.flatMap { $0.layers[index] ? $0.window : nil }
            let turn = window == nil ? rotary : localRotary ?? rotary
            let (cosines, sines) = window == nil ? globalTable : localTable ?? globalTable
            Kernels.rmsNorm(x.pointer, rows: t, width: hidden, weight: layer.inputNorm, epsilon: eps, into: normed.pointer)
            Kernels.linear(normed.pointer, rows: t, layer.query, into: q.pointer, ldy: qWidth, partition: partition)
            Kernels.linear(normed.pointer, rows: t, layer.key, into: keys, ldy: kvWidth, partition: partition)
            Kernels.linear(normed.pointer, rows: t, layer.value, into: values, ldy: kvWidth, partition: partition)
            if let queryNorm = layer.queryNorm, let keyNorm = layer.keyNorm {
                // Rows of q and of the new keys are contiguous heads of headDim values.
                Kernels.rmsNorm(q.pointer, rows: t * c.headCount, width: c.headDim, weight: queryNorm, epsilon: eps, into: q.pointer)
                Kernels.rmsNorm(keys, rows: t * c.keyValueHeadCount, width: c.headDim, weight: keyNorm, epsilon: eps, into: keys)
            }
            turn.apply(q.pointer, rows: t, heads: c.headCount, stride: qWidth, cos: cosines, sin: sines)
            turn.apply(keys, rows: t, heads: c.keyValueHeadCount, stride: kvWidth, cos: cosines, sin: sines)
            attend(q.pointer, rows: t, start: start, window: window, keys: cache.keys[index], values: cache.values[index], kvWidth: kvWidth, scores: scores, into: attention.pointer, partition: partition)
            Kernels.linear(attention.pointer, rows: t, layer.output, into: sub.pointer, ldy: hidden, partition: partition)
            if let norm = layer.attentionOutputNorm {
                Kernels.rmsNorm(sub.pointer, rows: t, width: hidden, weight: norm, epsilon: eps, into: sub.pointer)
            }
            Kernels.add(x.pointer, sub.pointer, count: t * hidden)
            Kernels.rmsNorm(x.pointer, rows: t, width: hidden, weight: layer.feedForwardNorm, epsilon: eps, into: normed.pointer)
            Kernels.linear(normed.pointer, rows: t, layer.gate, into: gate.pointer, ldy: c.intermediateSize, partition: partition)
            Kernels.linear(normed.pointer, rows: t, layer.up, into: up.pointer, ldy: c.intermediateSize, partition: partition)
            switch c.activation {
            case .silu: Kernels.swiGLU(gate.pointer, up.pointer, count: t * c.intermediateSize)
            case .geluTanh: Kernels.gegluTanh(gate.pointer, up.pointer, count: t * c.intermediateSize)
            }
            Kernels.linear(gate.pointer, rows: t, layer.down, into: sub.pointer, ldy: hidden, partition: partition)
            if let norm = layer.feedForwardOutputNorm {
                Kernels.rmsNorm(sub.pointer, rows: t, width: hidden, weight: norm, epsilon: eps, into: sub.pointer)
            }
            Kernels.add(x.pointer, sub.pointer, count: t * hidden)
        }
        cache.count = start + t
        let rows = logitRows.clamped(to: 0 ..< t)
        guard !rows.isEmpty else { return [] }
        // Only the rows whose logits are wanted go through the final norm and the vocabulary projection.
        Kernels.rmsNorm(x.pointer + rows.lowerBound * hidden, rows: rows.count, width: hidden, weight: weights.finalNorm, epsilon: c.rmsNormEpsilon, into: normed.pointer)
        let vocab = c.vocabSize
        return [Float](unsafeUninitializedCapacity: rows.count * vocab) { out, initialized in
            guard let base = out.baseAddress else { initialized = 0; return }
            Kernels.linear(normed.pointer, rows: rows.count, weights.lmHead, into: base, ldy: vocab, partition: partition)
            if let cap = c.finalLogitSoftcap { Kernels.softcap(base, count: rows.count * vocab, cap: cap) }
            initialized = rows.count * vocab
        }
    }

    /// Causal grouped-query attention of `rows` queries at positions `start...` over the cached
    /// positions `0 ..< start + rows` (with a `window`, a query at position p sees only
    /// `p - window + 1 ... p`), one work item per head; `scores` holds one [rows, start + rows]
    /// buffer per worker.
    private func attend(_ q: UnsafeMutablePointer<Float>, rows: Int, start: Int, window: Int?, keys: UnsafeMutablePointer<Float>, values: UnsafeMutablePointer<Float>, kvWidth: Int, scores: [ScratchBuffer], into out: UnsafeMutablePointer<Float>, partition: FixedPartition) {
        let c = config
        let span = start + rows, headDim = c.headDim, qWidth = c.headCount * headDim
        let group = c.headCount / c.keyValueHeadCount
        let scale = c.attentionScale ?? 1 / Float(headDim).squareRoot()
        let qp = UncheckedSendableBox(q), kp = UncheckedSendableBox(keys), vp = UncheckedSendableBox(values), op = UncheckedSendableBox(out)
        let buffers = UncheckedSendableBox(scores.map(\.pointer))
        partition.forEach(c.headCount) { worker, head in
            let kvHead = head / group
            let scores = buffers.value[worker]
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(span), Int32(headDim), scale,
                        qp.value + head * headDim, Int32(qWidth), kp.value + kvHead * headDim, Int32(kvWidth), 0, scores, Int32(span))
            for r in 0 ..< rows {
                let first = window.map { max(0, start + r + 1 - $0) } ?? 0
                Kernels.softmax(scores + r * span, from: first, valid: start + r + 1, width: span)
            }
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(headDim), Int32(span), 1,
                        scores, Int32(span), vp.value + kvHead * headDim, Int32(kvWidth), 0, op.value + head * headDim, Int32(qWidth))
        }
    }
}
