import Foundation
import Testing
@testable import ArenaRuntime

/// The sampler against lm-eval's own `ContextSampler` / `FirstNSampler` on a pool with duplicate
/// rows, eval docs that occur in the pool (the n+1 draw, removal, and the redraw when several
/// copies were drawn), and both branches of `random.sample`.
@Suite struct FewShotSamplerTests {
    /// Pool rows `{"k": i % 9}` for i in 0..<size (duplicates every 9 rows).
    static func pool(_ size: Int) -> [JSONValue] { (0..<size).map { .object(["k": .int($0 % 9)]) } }

    static let script = """
    import json, sys
    from lm_eval.api.samplers import ContextSampler, FirstNSampler
    size, seed, calls, first_n = json.loads(sys.argv[1])
    pool = [{"k": i % 9} for i in range(size)]
    sampler = (FirstNSampler if first_n else ContextSampler)(pool, rnd=None)
    sampler.set_rnd(seed)
    out = []
    for n, eval_k, exclude in calls:
        doc = {"k": eval_k}
        out.append([d["k"] for d in sampler.sample(n=n, eval_doc=doc if exclude else None)])
    print(json.dumps(out))
    """

    /// (n, eval doc key, exclude eval doc) per call, consumed by one sampler in order.
    static let calls: [(Int, Int, Bool)] = [(3, 0, true), (5, 4, true), (2, 100, true), (6, 1, true), (1, 8, true), (4, 3, true), (0, 2, true)]

    @Test(arguments: [(12, 1234, false), (40, 1234, false), (200, 7, false), (10, 42, true)])
    func matchesLMEvalSampler(size: Int, seed: Int, firstN: Bool) throws {
        let input = JSONValue.array([.int(size), .int(seed),
                                     .array(Self.calls.map { .array([.int($0.0), .int($0.1), .bool($0.2)]) }), .bool(firstN)])
        let expected = try JSONValue.parse(try PythonPeer.run(Self.script, arguments: [input.serialized(indent: nil)]))
        var task = try TaskCatalog.task(named: "hellaswag")
        task.sampler = firstN ? .firstN : .random
        var sampler = FewShotSampler(task: task, pool: Self.pool(size), seed: seed)
        var ours: [JSONValue] = []
        for (n, key, exclude) in Self.calls {
            precondition(exclude == task.fewshotExcludesEvalDoc)
            ours.append(.array(try sampler.examples(count: n, for: .object(["k": .int(key)])).compactMap { $0["k"] }))
        }
        #expect(.array(ours) == expected)
    }

    @Test func tooFewExamplesIsAnError() throws {
        let task = try TaskCatalog.task(named: "arc_easy")
        var sampler = FewShotSampler(task: task, pool: Self.pool(3), seed: 1234)
        #expect(throws: FewShotError.self) { try sampler.examples(count: 4, for: .object([:])) }
        var empty = FewShotSampler(task: task, pool: [], seed: 1234)
        #expect(throws: FewShotError(task: "arc_easy", reason: "no documents available for sampling")) {
            try empty.examples(count: 1, for: .object([:]))
        }
    }
}
