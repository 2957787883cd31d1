import Foundation

/// Settings of one scoring run, lm-eval's names in comments.
public struct ScoringOptions: Sendable, Equatable {
    /// `--num_fewshot`; nil takes the task's default.
    public var numFewshot: Int?
    /// `--limit`: score the first N documents of the eval split.
    public var limit: Int?
    /// `fewshot_random_seed` (lm-eval's default 1234).
    public var fewshotSeed: Int
    /// The model's `max_gen_toks` (sent as `max_tokens` when the task sets none).
    public var maxGenToks: Int
    /// The `seed` sent with generation requests (lm-eval's API models send 1234).
    public var generationSeed: Int

    public init(numFewshot: Int? = nil, limit: Int? = nil, fewshotSeed: Int = 1234, maxGenToks: Int = 256, generationSeed: Int = 1234) {
        self.numFewshot = numFewshot
        self.limit = limit
        self.fewshotSeed = fewshotSeed
        self.maxGenToks = maxGenToks
        self.generationSeed = generationSeed
    }
}

/// The documents a task reads: its eval split's rows and its few-shot split's rows (Hub columns).
public struct TaskDocuments: Sendable {
    public var eval: [JSONValue]
    public var fewshot: [JSONValue]
    /// The order of the rows' keys in the data (both splits); what lm-eval is handed keeps it.
    public var keyOrder: JSONKeyOrder

    public init(eval: [JSONValue], fewshot: [JSONValue] = [], keyOrder: JSONKeyOrder = JSONKeyOrder()) {
        self.eval = eval
        self.fewshot = fewshot
        self.keyOrder = keyOrder
    }
}

public struct ScoringError: Error, CustomStringConvertible, Equatable {
    public let task: String
    public let reason: String
    public var description: String { "task \(task): \(reason)" }
}

/// A prepared document: its prompt and requests, before the engine is asked.
public struct PreparedDocument: Sendable, Equatable {
    public var docID: Int
    public var doc: JSONValue
    public var context: String
    public var requests: [TaskRequest]
}

/// Scores a task the way lm-eval 0.4.13 does: prompts, few-shot draws, requests, per-document
/// metrics, filters and aggregates, with any `LanguageModelEngine` answering the requests.
public struct TaskScorer: Sendable {
    public let engine: any LanguageModelEngine

    public init(engine: any LanguageModelEngine) {
        self.engine = engine
    }

    /// Prompts and requests for the first `limit` documents, few-shot examples drawn in eval order.
    public static func prepare(task: TaskDefinition, documents: TaskDocuments, options: ScoringOptions) throws -> [PreparedDocument] {
        let nShot = task.effectiveFewshot(requested: options.numFewshot)
        guard nShot >= 0 else { throw ScoringError(task: task.name, reason: "num_fewshot must not be negative (got \(nShot))") }
        let count = min(documents.eval.count, max(0, options.limit ?? documents.eval.count))
        let evalSplit = task.dataset.evalSplit
        let evalDocs = try documents.eval.prefix(count).enumerated().map { row, doc in
            try TaskDocumentError.locating(split: evalSplit, row: row) { try task.processDoc(doc) }
        }
        var sampler: FewShotSampler?
        if nShot > 0 {
            guard let fewshotSplit = task.dataset.fewshotSplit else {
                throw ScoringError(task: task.name, reason: "the task has no split to draw few-shot examples from")
            }
            let pool = try documents.fewshot.enumerated().map { row, doc in
                try TaskDocumentError.locating(split: fewshotSplit, row: row) { try task.processDoc(doc) }
            }
            sampler = FewShotSampler(task: task, pool: pool, seed: options.fewshotSeed)
        }
        var prepared: [PreparedDocument] = []
        prepared.reserveCapacity(evalDocs.count)
        for (docID, doc) in evalDocs.enumerated() {
            let examples = try sampler?.examples(count: nShot, for: doc) ?? []
            // The document's own text and what it is scored against, read now: a row without them
            // fails, naming its row, before any request.
            try TaskDocumentError.locating(split: evalSplit, row: docID) {
                _ = try task.docToText(doc)
                _ = try DocumentScoring.reference(task: task, doc: doc)
            }
            let context = try PromptBuilder.context(task: task, doc: doc, fewshot: examples)
            let requests = try TaskDocumentError.locating(split: evalSplit, row: docID) {
                try PromptBuilder.requests(task: task, doc: doc, context: context)
            }
            prepared.append(PreparedDocument(docID: docID, doc: doc, context: context, requests: requests))
        }
        return prepared
    }

    public func score(task: TaskDefinition, documents: TaskDocuments, options: ScoringOptions = ScoringOptions()) async throws -> TaskScore {
        let prepared = try Self.prepare(task: task, documents: documents, options: options)
        let answers = try await answer(prepared.flatMap(\.requests), options: options)
        var samples: [SampleRecord] = []
        var offset = 0
        for document in prepared {
            let own = answers[offset..<(offset + document.requests.count)]
            offset += document.requests.count
            samples += try DocumentScoring.records(task: task, document: document, responses: own.map(\.response),
                                                   truncatedTokens: own.map(\.truncatedTokens))
        }
        return TaskScore(
            task: task.name, version: task.version, nShot: task.effectiveFewshot(requested: options.numFewshot),
            originalCount: documents.eval.count, effectiveCount: prepared.count,
            samples: samples, metrics: Self.aggregate(task: task, samples: samples), contextWindow: engine.contextWindow
        )
    }

    /// Sends every request to the engine (it batches and runs them concurrently) in request order:
    /// each response with the tokens cut from its request to fit the model.
    private func answer(_ requests: [TaskRequest], options: ScoringOptions) async throws -> [(response: ModelResponse, truncatedTokens: Int)] {
        var loglikelihood: [(Int, LoglikelihoodRequest)] = []
        var generation: [(Int, GenerationRequest)] = []
        for (index, request) in requests.enumerated() {
            switch request {
            case let .loglikelihood(context, continuation):
                loglikelihood.append((index, LoglikelihoodRequest(context: context, continuation: continuation)))
            case let .generation(context, settings):
                generation.append((index, GenerationRequest(
                    prompt: context, until: settings.until, maxTokens: settings.maxGenToks ?? options.maxGenToks,
                    temperature: settings.temperature ?? 0, seed: options.generationSeed, topK: settings.topK, topP: settings.topP)))
            }
        }
        var responses = [(response: ModelResponse, truncatedTokens: Int)?](repeating: nil, count: requests.count)
        if !loglikelihood.isEmpty {
            let results = try await engine.loglikelihood(loglikelihood.map(\.1))
            guard results.count == loglikelihood.count else {
                throw ScoringError(task: "-", reason: "the engine returned \(results.count) log-likelihoods for \(loglikelihood.count) requests")
            }
            for ((index, _), result) in zip(loglikelihood, results) {
                responses[index] = (.loglikelihood(logprob: result.logprob, isGreedy: result.isGreedy), result.truncatedTokens)
            }
        }
        if !generation.isEmpty {
            let results = try await engine.generate(generation.map(\.1))
            guard results.count == generation.count else {
                throw ScoringError(task: "-", reason: "the engine returned \(results.count) generations for \(generation.count) requests")
            }
            for ((index, _), result) in zip(generation, results) { responses[index] = (.generation(text: result.text), result.truncatedTokens) }
        }
        return responses.compactMap { $0 }
    }

    /// Mean and standard error of each metric under each filter, keyed `metric,filter` and
    /// `metric_stderr,filter`; the stderr is "N/A" below two samples.
    public static func aggregate(task: TaskDefinition, samples: [SampleRecord]) -> [String: AggregateValue] {
        var out: [String: AggregateValue] = [:]
        for filter in task.filterNames {
            let rows = samples.filter { $0.filter == filter }
            for metric in task.metricNames {
                let values = rows.compactMap { $0.metrics[metric] }
                guard !values.isEmpty else { continue }
                out["\(metric),\(filter)"] = .value(Aggregation.mean(values))
                out[TaskSignatures.stderrKey(of: "\(metric),\(filter)")] = Aggregation.meanStderr(values).map { .value($0) } ?? .notAvailable
            }
        }
        return out
    }
}
