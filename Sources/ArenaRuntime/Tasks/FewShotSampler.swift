/// A few-shot draw that cannot be made (pool too small or empty).
public struct FewShotError: Error, CustomStringConvertible, Equatable {
    public let task: String
    public let reason: String
    public var description: String { "task \(task): few-shot sampling: \(reason)" }
}

/// lm-eval's `ContextSampler` / `FirstNSampler`: one generator per task, seeded once with the
/// few-shot seed and consumed document by document in eval order.
public struct FewShotSampler: Sendable {
    public let task: String
    public let kind: FewShotSamplerKind
    public let pool: [JSONValue]
    public let excludesEvalDoc: Bool
    private var generator: PythonRandom

    public init(task: TaskDefinition, pool: [JSONValue], seed: Int) {
        self.task = task.name
        self.kind = task.sampler
        self.pool = pool
        self.excludesEvalDoc = task.fewshotExcludesEvalDoc
        self.generator = PythonRandom(seed: seed)
    }

    /// The few-shot examples for `evalDoc`, in prompt order.
    public mutating func examples(count n: Int, for evalDoc: JSONValue) throws -> [JSONValue] {
        switch kind {
        case .firstN:
            let candidates = excludesEvalDoc ? pool.filter { $0 != evalDoc } : pool
            guard n <= candidates.count else {
                throw FewShotError(task: task, reason: "\(n) examples requested but the few-shot split has \(candidates.count)")
            }
            return Array(candidates.prefix(n))
        case .random:
            if n == 0 { return [] }
            guard !pool.isEmpty else { throw FewShotError(task: task, reason: "no documents available for sampling") }
            do {
                if !excludesEvalDoc { return try generator.sample(pool, count: n) }
                let drawn = try generator.sample(pool, count: n + 1)
                let kept = Array(drawn.filter { $0 != evalDoc }.prefix(n))
                if kept.count == n { return kept }
                // Several copies of the eval doc were drawn: lm-eval redraws from the pool without it.
                return try generator.sample(pool.filter { $0 != evalDoc }, count: n)
            } catch let error as SampleSizeError {
                throw FewShotError(task: task, reason: error.description)
            }
        }
    }
}
