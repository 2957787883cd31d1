import Foundation
import Testing
@testable import ArenaRuntime

/// A repository for running what docs/language.md documents: the tiny model, and local data files
/// in each task's Hub row layout for every split every task reads (`experiments/data/walk/`).
enum DocumentedValuesRepository {
    static let root = EndpointRunTests.repositoryRoot
    static let fixtures = root.appendingPathComponent("Tests/Fixtures")

    /// Copies the tiny model and the task files below a new temporary root; `experiment` goes to
    /// `experiments/run.arena`. Returns the root.
    static func make(experiment: String) throws -> URL {
        let repository = try EndpointRunTests.makeRepository(experiment: experiment)
        let walk = repository.appendingPathComponent("experiments/data/walk")
        try FileManager.default.createDirectory(at: walk, withIntermediateDirectories: true)
        for task in ["hellaswag", "arc_easy", "arc_challenge", "mathqa", "drop", "mmlu_abstract_algebra", "mmlu_college_mathematics"] {
            for file in try FileManager.default.contentsOfDirectory(atPath: fixtures.appendingPathComponent("tasks/\(task)").path) {
                try FileManager.default.copyItem(at: fixtures.appendingPathComponent("tasks/\(task)/\(file)"),
                                                 to: walk.appendingPathComponent("\(task)_\(file)"))
            }
        }
        for split in ["test", "train"] {
            try FileManager.default.copyItem(at: root.appendingPathComponent("experiments/data/word_math_\(split).jsonl"),
                                             to: walk.appendingPathComponent("gsm8k_\(split).jsonl"))
        }
        try writeTruthfulQA(to: walk)
        return repository
    }

    /// The file (below `experiments/`) holding `split` of `task`'s rows; the `truthfulqa` tag's
    /// members read one file with both the generation and the multiple-choice columns.
    static func file(task: String, split: String) -> String {
        switch task {
        case "truthfulqa_mc1", "truthfulqa_mc2": "data/walk/truthfulqa_mc_\(split).jsonl"
        case "truthfulqa_gen": "data/walk/truthfulqa_gen_\(split).jsonl"
        case "truthfulqa": "data/walk/truthfulqa_both_\(split).jsonl"
        case "ai2_arc": "data/walk/arc_easy_\(split).jsonl"
        default: "data/walk/\(task)_\(split).jsonl"
        }
    }

    /// The first rows of the real TruthfulQA files in the Hub's layouts (converted by
    /// Tests/Fixtures/scoring/truthfulqa_to_hub.py), and those rows joined on their question.
    static func writeTruthfulQA(to walk: URL) throws {
        let python = try ServerFixtures.python()
        let converted = walk.appendingPathComponent("converted")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [fixtures.appendingPathComponent("scoring/truthfulqa_to_hub.py").path,
                             ScoringPaths.sharedData.appendingPathComponent("truthfulqa").path, converted.path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw FixtureError("truthfulqa_to_hub.py failed") }
        let generation = try JSONLines.read(converted.appendingPathComponent("generation/validation.jsonl").path)
        let choices = try JSONLines.read(converted.appendingPathComponent("multiple_choice/validation.jsonl").path)
        let byQuestion = Dictionary(generation.map { ($0["question"]?.stringValue ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        var both: [JSONValue] = []
        for row in choices {
            guard both.count < 4, let mc = row.objectValue, let question = mc["question"]?.stringValue,
                  let gen = byQuestion[question]?.objectValue else { continue }
            both.append(.object(gen.merging(mc) { a, _ in a }))
        }
        try writeLines(Array(choices.prefix(4)), to: walk.appendingPathComponent("truthfulqa_mc_validation.jsonl"))
        try writeLines(Array(generation.prefix(4)), to: walk.appendingPathComponent("truthfulqa_gen_validation.jsonl"))
        try writeLines(both, to: walk.appendingPathComponent("truthfulqa_both_validation.jsonl"))
        try FileManager.default.removeItem(at: converted)
    }

    static func writeLines(_ rows: [JSONValue], to url: URL) throws {
        try AtomicFile.write(rows.map { $0.serialized(indent: nil) + "\n" }.joined(), to: url)
    }

    /// A runner over `root` with every engine kind, no request cache, offline.
    static func runner(root: URL) throws -> ExperimentRunner {
        var lock = try LockService.fromEnvironment([:])
        lock.currentDirectory = root
        return ExperimentRunner(lockService: lock, engines: StandardEngineProvider(cacheRoot: nil),
                                datasets: .fromEnvironment(offline: true), log: { _ in })
    }
}
