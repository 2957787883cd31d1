import ArenaRuntime
import Foundation

/// CPU time per scored prompt of the native scorer over an OpenAI-compatible completions server:
/// `arena-bench scoring SPEC.json [repeats]`, where SPEC is the file Tests/Fixtures/scoring/run_lm_eval.py
/// reads (base_url, tasks with data_files, runs with tasks/num_fewshot/limit, batch_size,
/// num_concurrent), so both harnesses do the same work. scripts/bench-scoring.sh runs both.
enum ScoringBench {
    static func run(_ args: [String]) async throws {
        guard let specPath = args.first else {
            throw ScoringBenchError(message: "usage: arena-bench scoring SPEC.json [repeats]")
        }
        let repeats = args.count > 1 ? max(1, Int(args[1]) ?? 1) : 1
        let spec = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: specPath)))
        guard let baseURL = spec["base_url"]?.stringValue, let runs = spec["runs"]?.arrayValue,
              let tasks = spec["tasks"]?.objectValue else {
            throw ScoringBenchError(message: "\(specPath): needs base_url, tasks and runs")
        }
        let engine = OpenAICompletionsEngine(
            configuration: .init(baseURL: baseURL, model: "stub", batchSize: spec["batch_size"]?.intValue ?? 8,
                                 concurrency: spec["num_concurrent"]?.intValue ?? 4),
            identity: EngineIdentity(kind: "endpoint", version: "stub", model: "stub"))
        let scorer = TaskScorer(engine: engine)
        for round in 1...repeats {
            let startCPU = cpuSeconds()
            let clock = ContinuousClock()
            let started = clock.now
            var prompts = 0
            var loadCPU = 0.0
            for run in runs {
                for name in run["tasks"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                    let task = try TaskCatalog.task(named: name)
                    let files = tasks[name]?["data_files"]?.objectValue ?? [:]
                    func rows(_ split: String?) throws -> [JSONValue] {
                        guard let split, let path = files[split]?.stringValue else { return [] }
                        return try readJSONLines(path)
                    }
                    let loadStart = cpuSeconds()
                    let documents = TaskDocuments(eval: try rows(task.dataset.evalSplit), fewshot: try rows(task.dataset.fewshotSplit))
                    loadCPU += cpuSeconds() - loadStart
                    let options = ScoringOptions(numFewshot: run["num_fewshot"]?.intValue, limit: run["limit"]?.intValue)
                    let score = try await scorer.score(task: task, documents: documents, options: options)
                    let firstFilter = task.filterNames.first
                    prompts += score.samples.filter { $0.filter == firstFilter }.reduce(0) { $0 + $1.requests.count }
                }
            }
            let cpu = cpuSeconds() - startCPU
            let wall = clock.now - started
            let perPrompt = cpu / Double(max(prompts, 1)) * 1e6
            print("round \(round): \(prompts) prompts, CPU \(String(format: "%.3f", cpu)) s (reading JSONL \(String(format: "%.3f", loadCPU)) s), wall \(wall), \(String(format: "%.1f", perPrompt)) µs CPU per prompt")
        }
    }

    /// The rows of a JSON Lines file, split on newline bytes.
    /// The rows of a JSONL file, read the way `run` reads local data (`JSONLReader`).
    static func readJSONLines(_ path: String) throws -> [JSONValue] {
        try JSONLReader.rows(try Data(contentsOf: URL(fileURLWithPath: path)), name: path)
    }

    /// User + system CPU seconds of this process.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }
}

struct ScoringBenchError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
