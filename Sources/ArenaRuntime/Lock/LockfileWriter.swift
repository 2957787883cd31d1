import Foundation

/// Renders a `Lockfile` as text: fixed section order, fixed key order, no timestamps, so the same
/// lockfile always gives the same bytes. docs/lockfile.md documents every key.
public enum LockfileWriter {
    public static let header = "# arena-script lockfile. Written by `arena-script lock`; fields are described in docs/lockfile.md."

    public static func render(_ lock: Lockfile) -> String {
        let blocks = sections(lock).filter { !$0.isEmpty }
        return header + "\n" + blocks.map { $0.map(\.rendered).joined(separator: "\n") }.joined(separator: "\n\n") + "\n"
    }

    /// The entries in writing order, grouped into blank-line separated blocks.
    public static func sections(_ lock: Lockfile) -> [[LockEntry]] {
        var blocks: [[LockEntry]] = []
        blocks.append([LockEntry(["format"], .int(lock.format)), LockEntry(["tool_version"], .string(lock.toolVersion))])
        blocks.append(experiment(lock.experiment))
        blocks.append(git(lock.git))
        blocks += lock.models.map(model)
        blocks += lock.engines.map(engine)
        blocks += lock.taskDatasets.map { d in
            let k = ["task_dataset", d.id]
            return [LockEntry(k + ["revision"], .string(d.revision)), LockEntry(k + ["sha"], .string(d.sha))]
        }
        blocks += lock.datasets.map(dataset)
        blocks += lock.tasks.map(task)
        blocks += lock.runs.enumerated().map { run($0.element, number: $0.offset + 1) }
        return blocks
    }

    private static func experiment(_ e: LockedExperiment) -> [LockEntry] {
        var out = Builder(prefix: ["experiment"])
        out.add("name", .string(e.name))
        out.add("file", .string(e.file))
        out.add("sha256", .string(e.sha256))
        out.add("seed", .int(e.seed))
        out.add("limit", e.limit.map(LockValue.int))
        if let t = e.tolerance {
            out.add("tolerance.absolute", .double(t.absolute))
            out.add("tolerance.alpha", .double(t.alpha))
        }
        return out.entries
    }

    private static func git(_ g: GitProvenance?) -> [LockEntry] {
        var out = Builder(prefix: ["git"])
        guard let g else {
            out.add("enabled", .bool(false))
            return out.entries
        }
        out.add("enabled", .bool(true))
        out.add("head", g.head.map(LockValue.string))
        out.add("branch", g.branch.map(LockValue.string))
        out.add("detached", .bool(g.detached))
        out.add("remote.name", g.remoteName.map(LockValue.string))
        out.add("remote.url", g.remoteURL.map(LockValue.string))
        out.add("dirty", .bool(g.dirty))
        out.add("dirty_paths", .strings(g.dirtyPaths))
        out.add("other_dirty_count", .int(g.otherDirtyCount))
        return out.entries
    }

    private static func model(_ m: LockedModel) -> [LockEntry] {
        var out = Builder(prefix: ["model", m.key])
        out.add("id", .string(m.id))
        out.add("revision", .string(m.revision))
        out.add("source", .string(m.source.rawValue))
        out.add("sha", .string(m.sha))
        out.add("file", m.file.map(LockValue.string))
        out.add("file_sha256", m.fileSHA256.map(LockValue.string))
        if let gguf = m.gguf {
            out.add("gguf.architecture", .string(gguf.architecture))
            out.add("gguf.quantization", gguf.quantization.map(LockValue.string))
            out.add("gguf.tensor_types", .strings(gguf.tensorTypeList))
        }
        return out.entries
    }

    private static func engine(_ e: LockedEngine) -> [LockEntry] {
        let s = e.spec
        var out = Builder(prefix: ["engine", s.key])
        out.add("kind", .string(s.kind.rawValue))
        out.add("image", s.image.map(LockValue.string))
        out.add("image_digest", e.imageDigest.map(LockValue.string))
        out.add("image_pinned", e.pinnedImage.map(LockValue.string))
        out.add("command", s.command.map(LockValue.string))
        out.add("url", s.url.map(LockValue.string))
        out.add("gpu", s.gpu.map(LockValue.string))
        if s.kind.startsServer {
            out.add("gpu_count", .int(s.gpuCount))
            out.add("tensor_parallel", .int(s.tensorParallel))
        }
        out.add("precision", s.precision.map(LockValue.string))
        out.add("max_model_length", s.maxModelLength.map(LockValue.int))
        out.add("gpu_memory_fraction", s.gpuMemoryFraction.map(LockValue.double))
        out.add("extra_args", .strings(s.extraArgs))
        out.add("concurrency", s.concurrency.map(LockValue.int))
        out.add("batch_size", s.batchSize.map(LockValue.int))
        out.add("harness", s.harness.map(LockValue.string))
        out.add("harness_version", e.harnessVersion.map(LockValue.string))
        out.add("threads", s.threads.map(LockValue.int))
        return out.entries
    }

    private static func dataset(_ d: LockedDataset) -> [LockEntry] {
        var out = Builder(prefix: ["dataset", d.key])
        out.add("id", .string(d.id))
        out.add("revision", .string(d.revision))
        out.add("config", d.config.map(LockValue.string))
        out.add("source", .string(d.source.rawValue))
        out.add("sha", .string(d.sha))
        for split in d.files.keys.sorted() {
            out.add(["file", split], d.files[split].map(LockValue.string))
            out.add(["file_sha256", split], d.fileHashes[split].map(LockValue.string))
        }
        return out.entries
    }

    private static func task(_ t: LockedTask) -> [LockEntry] {
        var out = Builder(prefix: ["task", t.name])
        out.add("dataset", t.dataset.map(LockValue.string))
        out.add("dataset_config", t.datasetConfig.map(LockValue.string))
        out.add("version", t.version.map(LockValue.string))
        out.add("prompt_hash", t.promptHash.map(LockValue.string))
        return out.entries
    }

    private static func run(_ r: LockedRun, number: Int) -> [LockEntry] {
        var out = Builder(prefix: ["run", String(number)])
        out.add("model", .string(r.model))
        out.add("engine", .string(r.engine))
        out.add("cell", .int(r.cell))
        for (i, t) in r.tasks.enumerated() {
            let k = ["task", String(i + 1)]
            out.add(k + ["name"], .string(t.name))
            out.add(k + ["fewshot"], t.fewshot.map(LockValue.int))
            out.add(k + ["limit"], t.limit.map(LockValue.int))
            out.add(k + ["dataset"], t.dataset.map(LockValue.string))
            for name in t.generation.keys.sorted() {
                out.add(k + ["generation", name], t.generation[name].map(LockValue.double))
            }
        }
        return out.entries
    }

    private struct Builder {
        let prefix: [String]
        var entries: [LockEntry] = []

        mutating func add(_ dotted: String, _ value: LockValue?) {
            add(dotted.split(separator: ".").map(String.init), value)
        }

        mutating func add(_ key: [String], _ value: LockValue?) {
            if let value { entries.append(LockEntry(prefix + key, value)) }
        }
    }
}
