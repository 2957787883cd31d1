import Foundation

/// Parses lockfile text back into a `Lockfile`. Every key must be known and every required field
/// present; errors name the file, the line and the field.
public enum LockfileReader {
    public static func read(path: String) throws -> Lockfile {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw LockfileSyntaxError(path: path, line: 0, message: "cannot read the lockfile: \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw LockfileSyntaxError(path: path, line: 0, message: "the lockfile is not UTF-8 text")
        }
        return try parse(text, path: path)
    }

    public static func parse(_ text: String, path: String) throws -> Lockfile {
        var f = Fields(entries: try LockfileText.parse(text, path: path), path: path)
        let format = try f.int(["format"])
        guard format == Lockfile.currentFormat else {
            throw f.error(["format"], "format \(format) is not supported; this tool reads format \(Lockfile.currentFormat)")
        }
        var lock = Lockfile(format: format, toolVersion: try f.string(["tool_version"]),
                            experiment: try experiment(&f), git: try git(&f))
        for key in f.children(of: ["model"]) {
            let p = ["model", key]
            lock.models.append(LockedModel(key: key, id: try f.string(p + ["id"]), revision: try f.string(p + ["revision"]),
                                           source: try f.source(p + ["source"]), sha: try f.string(p + ["sha"]),
                                           gguf: try ggufFacts(&f, p + ["gguf"]), file: try f.optionalString(p + ["file"]),
                                           fileSHA256: try f.optionalString(p + ["file_sha256"])))
        }
        for key in f.children(of: ["engine"]) { lock.engines.append(try engine(&f, key: key)) }
        for id in f.children(of: ["task_dataset"]) {
            let p = ["task_dataset", id]
            lock.taskDatasets.append(LockedHubDataset(id: id, revision: try f.string(p + ["revision"]), sha: try f.string(p + ["sha"])))
        }
        for key in f.children(of: ["dataset"]) { lock.datasets.append(try dataset(&f, key: key)) }
        for name in f.children(of: ["task"]) {
            let p = ["task", name]
            lock.tasks.append(LockedTask(name: name, version: try f.optionalString(p + ["version"]),
                                         promptHash: try f.optionalString(p + ["prompt_hash"]),
                                         dataset: try f.optionalString(p + ["dataset"]),
                                         datasetConfig: try f.optionalString(p + ["dataset_config"])))
        }
        for number in f.children(of: ["run"]) { lock.runs.append(try run(&f, number: number)) }
        try f.requireAllUsed()
        return lock
    }

    /// `model.<key>.gguf.*`: absent for a model that is not a GGUF file.
    private static func ggufFacts(_ f: inout Fields, _ p: [String]) throws -> GGUFModelFacts? {
        let architecture = try f.optionalString(p + ["architecture"])
        let quantization = try f.optionalString(p + ["quantization"])
        let list = try f.optionalStrings(p + ["tensor_types"])
        guard architecture != nil || quantization != nil || list != nil else { return nil }
        guard let architecture else { throw f.error(p + ["architecture"], "missing") }
        guard let list else { throw f.error(p + ["tensor_types"], "missing") }
        var counts: [String: Int] = [:]
        for item in list {
            let parts = item.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, let count = Int(parts[1]), count > 0, counts[String(parts[0])] == nil else {
                throw f.error(p + ["tensor_types"], "'\(item)' is not TYPE=count (a ggml type name and a positive count, each type once)")
            }
            counts[String(parts[0])] = count
        }
        return GGUFModelFacts(architecture: architecture, quantization: quantization, tensorTypes: counts)
    }

    private static func experiment(_ f: inout Fields) throws -> LockedExperiment {
        let p = ["experiment"]
        var tolerance: Tolerance?
        if let absolute = try f.optionalDouble(p + ["tolerance", "absolute"]) {
            tolerance = Tolerance(absolute: absolute, alpha: try f.double(p + ["tolerance", "alpha"]))
        }
        return LockedExperiment(name: try f.string(p + ["name"]), file: try f.string(p + ["file"]),
                                sha256: try f.string(p + ["sha256"]), seed: try f.int(p + ["seed"]),
                                limit: try f.optionalInt(p + ["limit"]), tolerance: tolerance)
    }

    private static func git(_ f: inout Fields) throws -> GitProvenance? {
        guard try f.bool(["git", "enabled"]) else { return nil }
        let g = GitProvenance(head: try f.optionalString(["git", "head"]), branch: try f.optionalString(["git", "branch"]),
                              detached: try f.bool(["git", "detached"]), remoteName: try f.optionalString(["git", "remote", "name"]),
                              remoteURL: try f.optionalString(["git", "remote", "url"]), dirtyPaths: try f.strings(["git", "dirty_paths"]),
                              otherDirtyCount: try f.optionalInt(["git", "other_dirty_count"]) ?? 0)
        guard g.otherDirtyCount >= 0 else { throw f.error(["git", "other_dirty_count"], "must not be negative") }
        guard try f.bool(["git", "dirty"]) == g.dirty else {
            throw f.error(["git", "dirty"], "does not agree with git.dirty_paths")
        }
        return g
    }

    private static func engine(_ f: inout Fields, key: String) throws -> LockedEngine {
        let p = ["engine", key]
        let kindName = try f.string(p + ["kind"])
        guard let kind = EngineKind(rawValue: kindName) else {
            throw f.error(p + ["kind"], "unknown engine kind '\(kindName)' (expected one of \(EngineKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let gpuCount = kind.startsServer ? try f.int(p + ["gpu_count"]) : try f.optionalInt(p + ["gpu_count"]) ?? 1
        let tensorParallel = kind.startsServer ? try f.int(p + ["tensor_parallel"]) : try f.optionalInt(p + ["tensor_parallel"]) ?? 1
        let spec = EngineSpec(
            key: key, kind: kind, image: try f.optionalString(p + ["image"]), command: try f.optionalString(p + ["command"]),
            url: try f.optionalString(p + ["url"]), gpu: try f.optionalString(p + ["gpu"]), gpuCount: gpuCount,
            tensorParallel: tensorParallel, precision: try f.optionalString(p + ["precision"]),
            maxModelLength: try f.optionalInt(p + ["max_model_length"]), gpuMemoryFraction: try f.optionalDouble(p + ["gpu_memory_fraction"]),
            extraArgs: try f.strings(p + ["extra_args"]), concurrency: try f.optionalInt(p + ["concurrency"]),
            batchSize: try f.optionalInt(p + ["batch_size"]), harness: try f.optionalString(p + ["harness"]),
            threads: try f.optionalInt(p + ["threads"]))
        return LockedEngine(spec: spec, imageDigest: try f.optionalString(p + ["image_digest"]),
                            pinnedImage: try f.optionalString(p + ["image_pinned"]),
                            harnessVersion: try f.optionalString(p + ["harness_version"]))
    }

    private static func dataset(_ f: inout Fields, key: String) throws -> LockedDataset {
        let p = ["dataset", key]
        var d = LockedDataset(key: key, id: try f.string(p + ["id"]), revision: try f.string(p + ["revision"]),
                              config: try f.optionalString(p + ["config"]), source: try f.source(p + ["source"]),
                              sha: try f.string(p + ["sha"]))
        for split in f.children(of: p + ["file"]) { d.files[split] = try f.string(p + ["file", split]) }
        for split in f.children(of: p + ["file_sha256"]) { d.fileHashes[split] = try f.string(p + ["file_sha256", split]) }
        return d
    }

    private static func run(_ f: inout Fields, number: String) throws -> LockedRun {
        let p = ["run", number]
        var r = LockedRun(model: try f.string(p + ["model"]), engine: try f.string(p + ["engine"]), cell: try f.int(p + ["cell"]), tasks: [])
        let indices = f.children(of: p + ["task"])
        for (offset, index) in indices.enumerated() {
            let k = p + ["task", index]
            guard index == String(offset + 1) else { throw f.error(k, "run tasks must be numbered 1, 2, 3, ... in order") }
            var t = TaskSelection(name: try f.string(k + ["name"]), fewshot: try f.optionalInt(k + ["fewshot"]),
                                  limit: try f.optionalInt(k + ["limit"]), dataset: try f.optionalString(k + ["dataset"]))
            for name in f.children(of: k + ["generation"]) { t.generation[name] = try f.double(k + ["generation", name]) }
            r.tasks.append(t)
        }
        return r
    }
}

/// Typed access to parsed entries, remembering which were used so unknown keys can be reported.
private struct Fields {
    let entries: [LockEntry]
    let path: String
    private var byKey: [[String]: LockEntry] = [:]
    private var childrenByPrefix: [[String]: [String]] = [:]
    private var used: Set<[String]> = []

    init(entries: [LockEntry], path: String) {
        self.entries = entries
        self.path = path
        var seen = Set<[String]>()
        for e in entries {
            byKey[e.key] = e
            for depth in 0..<e.key.count where seen.insert(Array(e.key.prefix(depth + 1))).inserted {
                childrenByPrefix[Array(e.key.prefix(depth)), default: []].append(e.key[depth])
            }
        }
    }

    func error(_ key: [String], _ message: String) -> LockfileSyntaxError {
        let name = LockEntry(key, .bool(false)).keyText
        return LockfileSyntaxError(path: path, line: byKey[key]?.line ?? 0, message: "'\(name)': \(message)")
    }

    /// The distinct next key segments under `prefix`, in order of first appearance.
    func children(of prefix: [String]) -> [String] {
        childrenByPrefix[prefix] ?? []
    }

    private mutating func take(_ key: [String]) throws -> LockValue? {
        guard let entry = byKey[key] else { return nil }
        used.insert(key)
        return entry.value
    }

    private mutating func required(_ key: [String]) throws -> LockValue {
        guard let v = try take(key) else { throw error(key, "missing") }
        return v
    }

    private func mismatch(_ key: [String], _ value: LockValue, _ expected: String) -> LockfileSyntaxError {
        error(key, "must be \(expected), found \(value.typeName)")
    }

    mutating func optionalString(_ key: [String]) throws -> String? {
        guard let v = try take(key) else { return nil }
        guard case let .string(s) = v else { throw mismatch(key, v, "a string") }
        return s
    }

    mutating func string(_ key: [String]) throws -> String {
        guard let s = try optionalString(key) else { throw error(key, "missing") }
        return s
    }

    mutating func optionalInt(_ key: [String]) throws -> Int? {
        guard let v = try take(key) else { return nil }
        guard case let .int(i) = v else { throw mismatch(key, v, "an integer") }
        return i
    }

    mutating func int(_ key: [String]) throws -> Int {
        guard let i = try optionalInt(key) else { throw error(key, "missing") }
        return i
    }

    mutating func optionalDouble(_ key: [String]) throws -> Double? {
        guard let v = try take(key) else { return nil }
        switch v {
        case let .double(d): return d
        case let .int(i): return Double(i)
        default: throw mismatch(key, v, "a number")
        }
    }

    mutating func double(_ key: [String]) throws -> Double {
        guard let d = try optionalDouble(key) else { throw error(key, "missing") }
        return d
    }

    mutating func bool(_ key: [String]) throws -> Bool {
        let v = try required(key)
        guard case let .bool(b) = v else { throw mismatch(key, v, "true or false") }
        return b
    }

    mutating func strings(_ key: [String]) throws -> [String] {
        let v = try required(key)
        guard case let .strings(list) = v else { throw mismatch(key, v, "a list of strings") }
        return list
    }

    mutating func optionalStrings(_ key: [String]) throws -> [String]? {
        guard let v = try take(key) else { return nil }
        guard case let .strings(list) = v else { throw mismatch(key, v, "a list of strings") }
        return list
    }

    mutating func source(_ key: [String]) throws -> PinSource {
        let name = try string(key)
        guard let s = PinSource(rawValue: name) else { throw error(key, "unknown source '\(name)' (expected hub or local)") }
        return s
    }

    func requireAllUsed() throws {
        if let unknown = entries.first(where: { !used.contains($0.key) }) {
            throw LockfileSyntaxError(path: path, line: unknown.line, message: "unknown field '\(unknown.keyText)'")
        }
    }
}
