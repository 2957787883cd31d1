import Foundation
@testable import ArenaRuntime

/// Lockfiles for bundles made in tests: one run per model over the given task selections, the
/// catalog's version and prompt hash for each task, and a local dataset per binding.
enum DiffFixtures {
    static func lockfile(seed: Int = 1234, limit: Int? = nil, runs: [(model: String, tasks: [TaskSelection])],
                         datasets: [LockedDataset] = [], promptHash: String? = nil) -> Lockfile {
        let names = Set(runs.flatMap { $0.tasks.map(\.name) }).sorted()
        let tasks = names.map { name -> LockedTask in
            let entry = try? TaskCatalog.lockEntry(name: name)
            return LockedTask(name: name, version: entry?.version, promptHash: promptHash ?? entry?.contentHash,
                              dataset: entry?.dataset, datasetConfig: entry?.config)
        }
        let hubs = Set(tasks.compactMap(\.dataset)).sorted().map { LockedHubDataset(id: $0, revision: "main", sha: String(repeating: "c", count: 40)) }
        return Lockfile(experiment: LockedExperiment(name: "demo", file: "experiments/demo.arena", sha256: String(repeating: "0", count: 64),
                                                     seed: seed, limit: limit),
                        git: nil, taskDatasets: hubs, datasets: datasets, tasks: tasks,
                        runs: runs.enumerated().map { LockedRun(model: $1.model, engine: "native", cell: $0, tasks: $1.tasks) })
    }

    static func text(seed: Int = 1234, limit: Int? = nil, runs: [(model: String, tasks: [TaskSelection])],
                     datasets: [LockedDataset] = [], promptHash: String? = nil) -> String {
        LockfileWriter.render(lockfile(seed: seed, limit: limit, runs: runs, datasets: datasets, promptHash: promptHash))
    }

    static func localDataset(_ key: String, test sha: String) -> LockedDataset {
        LockedDataset(key: key, id: "data/\(key).jsonl", revision: "main", config: nil, source: .local, sha: sha,
                      files: ["test": "data/\(key).jsonl"], fileHashes: ["test": sha])
    }
}
