import Foundation

extension NativeEngine: TokenLevelModel {
    public var vocabularySize: Int { model.config.vocabSize }
    public var maxModelLength: Int { model.config.maxPositions }

    /// One forward pass over `ids[..<positions.upperBound]`; rows in Double, computed as the
    /// engine's own loglikelihood computes them, so echoed prompt log-probabilities sum to it.
    public func nextTokenLogprobs(_ ids: [Int], positions: Range<Int>) throws -> [[Double]] {
        guard positions.lowerBound >= 0, positions.upperBound <= ids.count else {
            throw NativeEngineError.invalidRequest("positions \(positions) outside 0..<\(ids.count)")
        }
        if positions.isEmpty { return [] }
        let cache = KVCache(config: model.config, capacity: positions.upperBound)
        let logits = try model.forward(ids[..<positions.upperBound], cache: cache, logitRows: positions, partition: FixedPartition(threads: threads))
        let vocab = model.config.vocabSize
        return (0 ..< positions.count).map { NextTokenDistribution.logSoftmax(logits[$0 * vocab ..< ($0 + 1) * vocab]) }
    }
}

enum NextTokenDistribution {
    /// `log_softmax` in Double: `x - max - log(sum(exp(x - max)))`, summed in index order.
    static func logSoftmax(_ logits: ArraySlice<Float>) -> [Double] {
        guard let maximum = logits.max().map(Double.init) else { return [] }
        var sum = 0.0
        for value in logits { sum += Foundation.exp(Double(value) - maximum) }
        let logSum = Foundation.log(sum)
        return logits.map { Double($0) - maximum - logSum }
    }
}

extension ServedModel {
    /// A Hugging Face model folder on the native engine, with its `tokenizer.json`.
    public static func native(folder: URL, name: String? = nil, threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> ServedModel {
        let tokenizer = try Tokenizer(folder: folder)
        let engine = try NativeEngine(model: NativeModel(folder: folder), tokenizer: tokenizer, threads: threads)
        return ServedModel(name: name ?? folder.standardizedFileURL.lastPathComponent, engine: engine,
                           tokenLevel: TokenLevelBackend(tokenizer: tokenizer, model: engine))
    }
}
