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
        return try startDecoding(ids[..<positions.upperBound], positions: positions, capacity: positions.upperBound).rows
    }

    /// The prompt in one forward pass, then one token per step on the key/value cache (as the
    /// engine's own generation runs).
    public func startDecoding(_ ids: [Int], positions: Range<Int>, capacity: Int) throws -> (rows: [[Double]], session: any TokenDecodingSession) {
        let (rows, session) = try startDecoding(ids[...], positions: positions, capacity: capacity)
        return (rows, session)
    }

    private func startDecoding(_ ids: ArraySlice<Int>, positions: Range<Int>, capacity: Int) throws -> (rows: [[Double]], session: NativeDecodingSession) {
        guard !ids.isEmpty, positions.lowerBound >= 0, positions.upperBound <= ids.count, capacity >= ids.count else {
            throw NativeEngineError.invalidRequest("cannot decode \(ids.count) tokens with rows \(positions) in \(capacity) positions")
        }
        let session = NativeDecodingSession(engine: self, capacity: capacity)
        let rows = try session.run(ids, rows: positions)
        return (rows, session)
    }
}

final class NativeDecodingSession: TokenDecodingSession {
    private let engine: NativeEngine
    private let cache: KVCache
    private let partition: FixedPartition

    init(engine: NativeEngine, capacity: Int) {
        self.engine = engine
        cache = KVCache(config: engine.model.config, capacity: capacity)
        partition = FixedPartition(threads: engine.threads)
    }

    func run(_ ids: ArraySlice<Int>, rows: Range<Int>) throws -> [[Double]] {
        let logits = try engine.model.forward(ids, cache: cache, logitRows: rows, partition: partition)
        let vocab = engine.model.config.vocabSize
        return (0 ..< rows.count).map { NextTokenDistribution.logSoftmax(logits[$0 * vocab ..< ($0 + 1) * vocab]) }
    }

    func append(_ id: Int) throws -> [Double] {
        guard cache.count < cache.capacity else {
            throw NativeEngineError.invalidRequest("the sequence is already \(cache.capacity) tokens long")
        }
        return try run([id][...], rows: 0 ..< 1)[0]
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
    /// A Hugging Face model folder on the native engine, with its `tokenizer.json`, or a GGUF file
    /// (`NativeEngine.load`), with the tokenizer the engine reads from it.
    public static func native(folder: URL, name: String? = nil, threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> ServedModel {
        if NativeEngine.isGGUFFile(folder) {
            let engine = try NativeEngine.load(folder, threads: threads)
            guard let tokenizer = engine.tokenizer else { throw NativeEngineError.noTokenizer(folder: folder.path) }
            return ServedModel(name: name ?? folder.standardizedFileURL.lastPathComponent, engine: engine,
                               tokenLevel: (tokenizer as? Tokenizer).map { TokenLevelBackend(tokenizer: $0, model: engine) })
        }
        let tokenizer = try Tokenizer(folder: folder)
        let engine = try NativeEngine(model: NativeModel(folder: folder), tokenizer: tokenizer, threads: threads)
        return ServedModel(name: name ?? folder.standardizedFileURL.lastPathComponent, engine: engine,
                           tokenLevel: TokenLevelBackend(tokenizer: tokenizer, model: engine))
    }
}
