import ArenaRuntime
import Foundation

/// `arena-bench lock [models] [MiB]`: lockfile render/parse/diff for a large experiment, and
/// content hashing of a local model folder.
enum LockBench {
    static func run(_ args: [String]) async throws {
        let models = args.first.flatMap(Int.init) ?? 100
        let mebibytes = args.dropFirst().first.flatMap(Int.init) ?? 256
        let lock = largeLockfile(models: models)

        var text = ""
        let render = measure(repeats: 20) { text = LockfileWriter.render(lock) }
        let lines = text.split(separator: "\n").count
        print("lockfile: \(models) models x 9 tasks, \(lines) lines, \(text.utf8.count) bytes")
        print(String(format: "  render  %8.2f ms", render * 1000))
        var parsed: Lockfile?
        let parse = measure(repeats: 20) { parsed = try? LockfileReader.parse(text, path: "bench.lock") }
        print(String(format: "  parse   %8.2f ms (round trip %@)", parse * 1000, parsed == lock ? "exact" : "DIFFERS"))
        var changed = lock
        changed.models[models / 2].sha = String(repeating: "f", count: 40)
        let changedText = LockfileWriter.render(changed)
        let diff = measure(repeats: 5) { _ = UnifiedDiff.render(old: text, new: changedText, oldName: "a", newName: "b") }
        print(String(format: "  diff    %8.2f ms (one changed pin)", diff * 1000))

        guard mebibytes > 0 else { return }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("arena-lockbench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let shardBytes = 64 << 20
        var remaining = mebibytes << 20
        var shard = 0
        var generator = SystemRandomNumberGenerator()
        let block = Data((0..<(1 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) })
        while remaining > 0 {
            let size = min(shardBytes, remaining)
            var data = Data(capacity: size)
            while data.count < size { data.append(block.prefix(size - data.count)) }
            try data.write(to: folder.appendingPathComponent("model-\(shard).safetensors"))
            remaining -= size
            shard += 1
        }
        let hash = measure(repeats: 3) { _ = try? ContentHash.of(path: folder.path) }
        print(String(format: "content hash: %d MiB in %d files, %.3f s, %.0f MiB/s", mebibytes, shard, hash, Double(mebibytes) / hash))
    }

    /// Best of `repeats` wall-clock seconds.
    static func measure(repeats: Int, _ body: () -> Void) -> Double {
        var best = Double.infinity
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return best
    }

    static func largeLockfile(models: Int) -> Lockfile {
        let tasks = ["hellaswag", "arc_easy", "mathqa", "truthfulqa_mc2", "drop", "arc_challenge", "gsm8k",
                     "mmlu_abstract_algebra", "mmlu_college_mathematics"]
        let hex40 = { (i: Int) in String(String(format: "%040x", i).suffix(40)) }
        var lock = Lockfile(experiment: LockedExperiment(name: "bench", file: "experiments/bench.arena",
                                                         sha256: String(repeating: "a", count: 64), seed: 1234, limit: 100),
                            git: GitProvenance(head: hex40(1), branch: "main", detached: false, remoteName: "origin",
                                               remoteURL: "https://github.example/acme/bench.git", dirtyPaths: []))
        let digest = "sha256:" + String(repeating: "b", count: 64)
        lock.engines = [LockedEngine(spec: EngineSpec(key: "server", kind: .vllm, image: "vllm/vllm-openai:v0.8.5", gpu: "H100", precision: "bf16"),
                                     imageDigest: digest, pinnedImage: "docker.io/vllm/vllm-openai@\(digest)")]
        for i in 0..<models {
            lock.models.append(LockedModel(key: "m\(i)", id: "org/model-\(i)", revision: "main", source: .hub, sha: hex40(i + 2)))
            lock.runs.append(LockedRun(model: "m\(i)", engine: "server", cell: i + 3,
                                       tasks: tasks.map { TaskSelection(name: $0, fewshot: $0 == "gsm8k" ? 5 : nil, limit: 100) }))
        }
        for t in tasks {
            let entry = TaskDatasetTable.entry(for: t)
            lock.tasks.append(LockedTask(name: t, dataset: entry?.id, datasetConfig: entry?.config))
        }
        lock.tasks.sort { $0.name < $1.name }
        let ids = Set(tasks.compactMap { TaskDatasetTable.entry(for: $0)?.id }).sorted()
        lock.taskDatasets = ids.enumerated().map { LockedHubDataset(id: $0.element, revision: "main", sha: hex40(1000 + $0.offset)) }
        return lock
    }
}
