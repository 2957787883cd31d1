import Foundation

/// Errors of requests the native engine cannot serve.
public enum NativeEngineError: Error, CustomStringConvertible, Equatable {
    case noPrefixToken(folder: String)
    case samplingNotSupported(reason: String)
    case invalidRequest(String)
    case noTokenizer(folder: String)

    public var description: String {
        switch self {
        case let .noPrefixToken(folder):
            return "\(folder)/config.json: an empty context needs a BOS or EOS token (tokenizer or bos_token_id/eos_token_id) to stand in for it"
        case let .samplingNotSupported(reason):
            return "the native engine \(reason)"
        case let .invalidRequest(reason):
            return "invalid request: \(reason)"
        case let .noTokenizer(folder):
            return "\(folder): the engine was built without a tokenizer, so it only takes token ids"
        }
    }
}

/// The in-process CPU engine: a `NativeModel` plus its tokenizer. Every request is computed on
/// its own, so results are bit-identical whatever the batch and thread count.
public final class NativeEngine: LanguageModelEngine {
    /// Changes whenever the engine's numerics change.
    public static let engineVersion = "native-1"

    public let model: NativeModel
    /// Absent for an engine used on token ids only.
    public let tokenizer: (any NativeTokenizer)?
    public let threads: Int
    /// The identity names the weights (`sha256.<hash>` of the folder or file) and, for a GGUF
    /// file, its architecture and quantization (`gguf.llama.Q4_1`): the request cache's key.
    public let identity: EngineIdentity
    /// The architecture, quantization and tensor types of a GGUF file; nil for a folder.
    public let gguf: GGUFModelFacts?
    /// Ids that end a generation: the config's `eos_token_id`s and the tokenizer's EOS.
    public let stopTokenIds: Set<Int>
    /// What an empty context is replaced by (lm-eval's prefix token): BOS, else EOS, of the
    /// tokenizer, else of config.json.
    public let prefixTokenId: Int?

    public init(model: NativeModel, tokenizer: (any NativeTokenizer)?, threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        self.model = model
        self.tokenizer = tokenizer
        self.threads = max(1, threads)
        // A GGUF file is run only when it is what `check` accepts (`GGUFModelFacts.nativelyRunnable`).
        gguf = GGUFModelFacts.isGGUF(model.folder) ? try GGUFModelFacts.nativelyRunnable(GGUFFile(path: model.folder.path)) : nil
        let hash = try ModelFolderHash.compute(model.folder)
        let quantization = gguf.map { "+gguf.\($0.architecture).\($0.quantizationLabel)" } ?? ""
        identity = EngineIdentity(kind: "native", version: "\(Self.engineVersion)+\(BLASSetup.kernelDescription)\(quantization)+sha256.\(hash)",
                                  model: "\(model.folder.lastPathComponent)@sha256:\(hash)")
        stopTokenIds = Set(model.config.eosTokenIds + [tokenizer?.eosTokenId].compactMap { $0 })
        prefixTokenId = tokenizer?.bosTokenId ?? tokenizer?.eosTokenId ?? model.config.bosTokenId ?? model.config.eosTokenIds.first
    }

    /// Loads the model and the `tokenizer.json` of a Hugging Face folder.
    public convenience init(folder: URL, threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        try self.init(model: NativeModel(folder: folder), tokenizer: Tokenizer(folder: folder), threads: threads)
    }

    private func requireTokenizer() throws -> any NativeTokenizer {
        guard let tokenizer else { throw NativeEngineError.noTokenizer(folder: model.folder.path) }
        return tokenizer
    }

    /// lm-eval's HFLM rule over `max_position_embeddings`: the native engine runs the model in
    /// process, as `lm_eval --model hf` does.
    public var contextWindow: ContextWindow { ContextWindow(maxLength: model.config.maxPositions, rule: .huggingFace) }

    // MARK: LanguageModelEngine

    public func tokenize(_ text: String) async throws -> [Int] {
        try requireTokenizer().encode(text, addSpecialTokens: false)
    }

    public func detokenize(_ tokens: [Int]) async throws -> String {
        try requireTokenizer().decode(tokens)
    }

    public func loglikelihood(_ requests: [LoglikelihoodRequest]) async throws -> [LoglikelihoodResult] {
        let tokenizer = try requireTokenizer()
        return try await offloaded { [self] in
            let sequences = try requests.map { request in
                try ContinuationEncoding.encode(context: request.context, continuation: request.continuation) {
                    try tokenizer.encode($0, addSpecialTokens: false)
                }
            }
            return try loglikelihood(sequences: sequences)
        }
    }

    public func generate(_ requests: [GenerationRequest]) async throws -> [GenerationResult] {
        let tokenizer = try requireTokenizer()
        // What `check` refuses for `native` (EngineCapabilities), refused here too.
        for request in requests {
            if let reason = EngineKind.native.capabilities.sampling.problem(temperature: request.temperature, topK: request.topK, topP: request.topP) {
                throw NativeEngineError.samplingNotSupported(reason: reason)
            }
        }
        return try await offloaded { [self] in
            try eachSequence(requests.count) { index, innerThreads in
                let request = requests[index]
                let prompt = try tokenizer.encode(request.prompt, addSpecialTokens: false)
                let dropped = request.maxTokens > 0 ? try fittedPrompt(prompt, maxTokens: request.maxTokens).droppedTokens : 0
                let text = try generate(promptTokens: prompt, maxTokens: request.maxTokens, until: request.until, threads: innerThreads).text
                return GenerationResult(text: text, truncatedTokens: dropped)
            }
        }
    }

    /// Runs compute-bound work on a dispatch thread, so that it never holds one of Swift
    /// concurrency's few cooperative threads for seconds.
    private func offloaded<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try work() })
            }
        }
    }

    // MARK: Token-level operations

    /// Scores tokenized requests in order, each with its own forward pass: a result never depends
    /// on the other sequences of the batch.
    public func loglikelihood(sequences: [(tokens: [Int], contextLength: Int)]) throws -> [LoglikelihoodResult] {
        try eachSequence(sequences.count) { index, innerThreads in
            try loglikelihood(tokens: sequences[index].tokens, contextLength: sequences[index].contextLength, threads: innerThreads)
        }
    }

    /// Runs `work(index, threads)` for every index and returns the results in index order. With at
    /// least as many sequences as threads, whole sequences run side by side on one thread each;
    /// otherwise they run one after another on all threads. A sequence's bits are the same either
    /// way, because no product's partition depends on the thread count.
    func eachSequence<Result>(_ count: Int, _ work: (Int, Int) throws -> Result) throws -> [Result] {
        guard threads > 1, count >= threads else { return try (0 ..< count).map { try work($0, threads) } }
        var outcomes = [Swift.Result<Result, any Error>?](repeating: nil, count: count)
        let lock = NSLock()
        FixedPartition(threads: threads).forEach(count) { index in
            let outcome = Swift.Result { try work(index, 1) }
            lock.lock()
            outcomes[index] = outcome
            lock.unlock()
        }
        // The lowest failing index decides the error, whatever the timing.
        return try outcomes.map { outcome in
            guard let outcome else { throw NativeEngineError.invalidRequest("a sequence was not computed") }
            return try outcome.get()
        }
    }

    /// Sum of the log-probabilities of `tokens[contextLength...]` given what precedes them, and
    /// whether each is the argmax. Like lm-eval's HF model: an empty context becomes the BOS (else
    /// EOS) token, and a sequence longer than the model's positions loses tokens on the left
    /// (`contextWindow`); `truncatedTokens` counts them.
    public func loglikelihood(tokens: [Int], contextLength: Int) throws -> LoglikelihoodResult {
        try loglikelihood(tokens: tokens, contextLength: contextLength, threads: threads)
    }

    func loglikelihood(tokens: [Int], contextLength: Int, threads: Int) throws -> LoglikelihoodResult {
        guard contextLength >= 0, contextLength <= tokens.count else {
            throw NativeEngineError.invalidRequest("context length \(contextLength) outside 0...\(tokens.count)")
        }
        var whole = tokens
        if contextLength == 0 {
            guard let prefix = prefixTokenId else { throw NativeEngineError.noPrefixToken(folder: model.folder.path) }
            whole.insert(prefix, at: 0)
        }
        for id in whole where id < 0 || id >= model.config.vocabSize {
            throw NativeModelError.invalidTokens(reason: "id \(id) is outside the vocabulary 0..<\(model.config.vocabSize)")
        }
        let continuationLength = tokens.count - contextLength
        guard continuationLength > 0 else { return LoglikelihoodResult(logprob: 0, isGreedy: true) }
        let fitted = try contextWindow.loglikelihood(tokens: whole, contextLength: whole.count - continuationLength)
        let kept = fitted.tokens
        let input = kept.dropLast()
        let cache = KVCache(config: model.config, capacity: input.count)
        let first = input.count - continuationLength
        let logits = try model.forward(input, cache: cache, logitRows: first ..< input.count, partition: FixedPartition(threads: threads))
        let targets = kept.suffix(continuationLength)
        let vocab = model.config.vocabSize
        var total = 0.0
        var greedy = true
        logits.withUnsafeBufferPointer { rows in
            for (row, target) in targets.enumerated() {
                let scored = LogSoftmax.score(UnsafeBufferPointer(rebasing: rows[row * vocab ..< (row + 1) * vocab]), target: target)
                total += scored.logprob
                greedy = greedy && scored.isArgmax
            }
        }
        return LoglikelihoodResult(logprob: total, isGreedy: greedy, truncatedTokens: fitted.droppedTokens)
    }

    /// Greedy decoding with a key/value cache. Stops at `maxTokens`, at an EOS token, at the end of
    /// the model's positions, or at the first stop string; text from the stop string on is dropped.
    public func generate(promptTokens: [Int], maxTokens: Int, until: [String]) throws -> (tokens: [Int], text: String) {
        try generate(promptTokens: promptTokens, maxTokens: maxTokens, until: until, threads: threads)
    }

    func generate(promptTokens: [Int], maxTokens: Int, until: [String], threads: Int) throws -> (tokens: [Int], text: String) {
        let tokenizer = try requireTokenizer()
        let stops = until.filter { !$0.isEmpty }
        var cut: (tokens: [Int], text: String)?
        let tokens = try generateTokens(promptTokens: promptTokens, maxTokens: maxTokens, threads: threads) { generated in
            guard !stops.isEmpty else { return false }
            let text = try tokenizer.decode(generated)
            guard let stop = Self.firstStop(in: text, stops: stops) else { return false }
            cut = (generated, String(text[..<stop]))
            return true
        }
        if let cut { return cut }
        return (tokens, try tokenizer.decode(tokens))
    }

    /// Greedy token ids after `promptTokens`: at most `maxTokens`, ending before an EOS token, at
    /// the end of the model's positions, or when `isFinished` says so for the tokens so far.
    /// Like lm-eval's HF model, only the last (max positions - maxTokens) prompt tokens are kept.
    public func generateTokens(promptTokens: [Int], maxTokens: Int, isFinished: ([Int]) throws -> Bool = { _ in false }) throws -> [Int] {
        try generateTokens(promptTokens: promptTokens, maxTokens: maxTokens, threads: threads, isFinished: isFinished)
    }

    func generateTokens(promptTokens: [Int], maxTokens: Int, threads: Int, isFinished: ([Int]) throws -> Bool) throws -> [Int] {
        guard maxTokens > 0 else { return [] }
        let limit = model.config.maxPositions
        let prompt = try fittedPrompt(promptTokens, maxTokens: maxTokens).tokens
        let partition = FixedPartition(threads: threads)
        let cache = KVCache(config: model.config, capacity: min(limit, prompt.count + maxTokens))
        var logits = try model.forward(prompt[...], cache: cache, logitRows: prompt.count - 1 ..< prompt.count, partition: partition)
        var generated: [Int] = []
        while true {
            let next = logits.withUnsafeBufferPointer { LogSoftmax.argmax($0) }
            if stopTokenIds.contains(next) { break }
            generated.append(next)
            if try isFinished(generated) { break }
            if generated.count >= maxTokens || cache.count >= cache.capacity { break }
            logits = try model.forward([next][...], cache: cache, logitRows: 0 ..< 1, partition: partition)
        }
        return generated
    }

    /// The prompt a generation reads: an empty one becomes the prefix token, then `contextWindow`
    /// keeps its last (max positions - maxTokens) tokens.
    func fittedPrompt(_ promptTokens: [Int], maxTokens: Int) throws -> ContextWindow.Fitted {
        var prompt = promptTokens
        if prompt.isEmpty {
            guard let prefix = prefixTokenId else { throw NativeEngineError.noPrefixToken(folder: model.folder.path) }
            prompt = [prefix]
        }
        return try contextWindow.generation(prompt: prompt, maxTokens: maxTokens)
    }

    /// Where the earliest stop string starts in `text`.
    static func firstStop(in text: String, stops: [String]) -> String.Index? {
        var best: String.Index?
        for stop in stops {
            if let range = text.range(of: stop), best.map({ range.lowerBound < $0 }) ?? true { best = range.lowerBound }
        }
        return best
    }
}

enum LogSoftmax {
    /// `log_softmax(row)[target]` in Double and whether `target` is the first maximum.
    static func score(_ row: UnsafeBufferPointer<Float>, target: Int) -> (logprob: Double, isArgmax: Bool) {
        let best = argmax(row)
        let maximum = Double(row[best])
        var sum = 0.0
        for value in row { sum += Foundation.exp(Double(value) - maximum) }
        return (Double(row[target]) - maximum - Foundation.log(sum), best == target)
    }

    /// Index of the first largest value, as torch.argmax and numpy.argmax choose.
    static func argmax(_ row: UnsafeBufferPointer<Float>) -> Int {
        var best = 0
        for i in 1 ..< max(row.count, 1) where row[i] > row[best] { best = i }
        return best
    }
}
