import ArenaRuntime
import Foundation

/// `arena-bench verify [DOCUMENTS]`: scores DOCUMENTS (default 10,000) generated arc_easy
/// questions with the real scorer against a stand-in engine, writes the rows as a bundle's samples
/// file, reads them back, and times what `verify` does with them: re-scoring from the rows' own
/// documents, and rebuilding every row from the prepared documents (target: well under 1 s).
enum VerifyBench {
    /// Answers every request at once with a log-probability fixed by its text.
    struct StandInEngine: LanguageModelEngine {
        var identity: EngineIdentity { EngineIdentity(kind: "bench", version: "1", model: "stand-in") }
        var contextWindow: ContextWindow { ContextWindow(maxLength: 1 << 20, rule: .huggingFace) }
        func tokenize(_ text: String) async throws -> [Int] { text.unicodeScalars.map { Int($0.value) } }
        func detokenize(_ tokens: [Int]) async throws -> String { String(tokens.compactMap { Unicode.Scalar($0).map(Character.init) }) }
        func loglikelihood(_ requests: [LoglikelihoodRequest]) async throws -> [LoglikelihoodResult] {
            requests.map { LoglikelihoodResult(logprob: -Double(($0.context.count * 31 + $0.continuation.count * 7) % 97) / 10, isGreedy: false) }
        }
        func generate(_ requests: [GenerationRequest]) async throws -> [GenerationResult] { requests.map { _ in GenerationResult(text: "") } }
    }

    static func question(_ i: Int) -> JSONValue {
        .object([
            "id": .string("bench-\(i)"), "question": .string("Question \(i): which of these is number \(i % 4)?"),
            "answerKey": .string(["A", "B", "C", "D"][i % 4]),
            "choices": .object(["label": .array(["A", "B", "C", "D"].map { .string($0) }),
                                "text": .array((0..<4).map { .string("answer \($0) of question \(i)") })]),
        ])
    }

    static func run(_ args: [String]) async throws {
        let count = args.first.flatMap { Int($0) } ?? 10_000
        let task = try TaskCatalog.task(named: "arc_easy")
        let documents = TaskDocuments(eval: (0..<count).map(question))
        let score = try await TaskScorer(engine: StandInEngine()).score(task: task, documents: documents)
        let written = score.outcome(model: "bench", task: task)
        let jsonl = written.samples.map { $0.serialized(indent: nil) }.joined(separator: "\n") + "\n"
        let clock = ContinuousClock()
        var outcome = written
        let read = try clock.measure {
            outcome.samples = try jsonl.split(separator: "\n").map { try JSONValue.parse(String($0)) }
        }
        var prepared: [PreparedDocument] = []
        let prepare = try clock.measure { prepared = try TaskScorer.prepare(task: task, documents: documents, options: ScoringOptions()) }
        var differences: [String] = []
        let own = try clock.measure { differences += try BundleVerifier.rescoringDifferences(outcome, documents: nil) }
        let rebuilt = try clock.measure { differences += try BundleVerifier.rescoringDifferences(outcome, documents: prepared) }
        guard differences.isEmpty else { throw BenchError(message: "the generated bundle does not verify: \(differences.prefix(3))") }
        func ms(_ d: Duration) -> String { String(format: "%.1f ms", Double(d.components.attoseconds) / 1e15 + Double(d.components.seconds) * 1000) }
        print("arc_easy, \(count) documents, \(outcome.samples.count) rows, \(jsonl.utf8.count / 1024) KiB of samples")
        print("  read the samples file (JSON parse)        \(ms(read))")
        print("  prepare documents from the data           \(ms(prepare))")
        print("  re-score from the rows' own documents     \(ms(own))")
        print("  rebuild and compare every row, re-score   \(ms(rebuilt))")
    }

    struct BenchError: Error, CustomStringConvertible { let message: String; var description: String { message } }
}
