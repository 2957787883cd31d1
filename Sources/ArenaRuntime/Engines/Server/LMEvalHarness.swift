import Foundation

/// One task's results as lm-evaluation-harness wrote them.
public struct LMEvalTaskResult: Sendable, Equatable {
    public var task: String
    /// lm-eval's metric keys as written (`acc,none`, `exact_match,strict-match`, `acc_stderr,none`);
    /// "N/A" (a stderr over fewer than two samples) reads as NaN.
    public var metrics: [String: Double]
    public var numFewshot: Int?
    /// `n-samples.effective` and `n-samples.original`.
    public var sampleCount: Int?
    public var originalCount: Int?
    /// `versions[<task>]` as lm-eval writes it (`3.0`).
    public var version: String?
    /// `samples_<task>_*.jsonl`, one object per document, in file order.
    public var samples: [JSONValue]

    public init(task: String, metrics: [String: Double], numFewshot: Int? = nil, sampleCount: Int? = nil, originalCount: Int? = nil,
                version: String? = nil, samples: [JSONValue] = []) {
        self.task = task
        self.metrics = metrics
        self.numFewshot = numFewshot
        self.sampleCount = sampleCount
        self.originalCount = originalCount
        self.version = version
        self.samples = samples
    }
}

public struct LMEvalRunResult: Sendable, Equatable {
    public var lmEvalVersion: String?
    public var tasks: [LMEvalTaskResult]
}

public enum LMEvalHarnessError: Error, CustomStringConvertible {
    case failed(status: Int32, command: String, logTail: String)
    case missingResults(directory: String)
    case malformed(path: String, message: String)

    public var description: String {
        switch self {
        case let .failed(status, command, tail):
            return "lm-eval exited with status \(status) (\(command)); its log ends with:\n\(tail)"
        case let .missingResults(directory): return "lm-eval wrote no results_*.json under \(directory)"
        case let .malformed(path, message): return "\(path): \(message)"
        }
    }
}

/// `harness: "lm-eval"`: runs a pinned lm-evaluation-harness (`python -m lm_eval --model
/// local-completions ...`) against a running server and imports its results and samples.
public struct LMEvalHarness: Sendable {
    /// A python with lm-eval installed.
    public var python: String
    /// Server root (`http://127.0.0.1:8000`).
    public var baseURL: String
    public var model: String
    public var batchSize: Int
    public var concurrency: Int
    public var seed: Int
    public var maxLength: Int?
    /// `--include_path` for task YAMLs outside lm-eval.
    public var includePath: String?
    public var environment: [String: String]

    public init(python: String, baseURL: String, model: String, batchSize: Int = 8, concurrency: Int = 16, seed: Int = 1234,
                maxLength: Int? = nil, includePath: String? = nil, environment: [String: String] = [:]) {
        self.python = python
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.model = model
        self.batchSize = batchSize
        self.concurrency = concurrency
        self.seed = seed
        self.maxLength = maxLength
        self.includePath = includePath
        self.environment = environment
    }

    /// The command line for tasks that share few-shot count and limit.
    public func arguments(tasks: [String], fewshot: Int?, limit: Int?, generation: [String: Double] = [:], outputDirectory: URL) -> [String] {
        var modelArgs = ["base_url=\(baseURL)/v1/completions", "model=\(model)", "num_concurrent=\(concurrency)",
                         "tokenizer_backend=remote", "tokenized_requests=True", "max_retries=5", "seed=\(seed)"]
        if let maxLength { modelArgs.append("max_length=\(maxLength)") }
        var args = ["-m", "lm_eval", "--model", "local-completions", "--model_args", modelArgs.joined(separator: ","),
                    "--tasks", tasks.joined(separator: ","), "--batch_size", String(batchSize), "--seed", String(seed),
                    "--log_samples", "--output_path", outputDirectory.path]
        if let fewshot { args += ["--num_fewshot", String(fewshot)] }
        if let limit { args += ["--limit", String(limit)] }
        if let includePath { args += ["--include_path", includePath] }
        if !generation.isEmpty { args += ["--gen_kwargs", Self.generationKwargs(generation)] }
        return args
    }

    /// Runs lm-eval once per (few-shot, limit) group of `tasks`, each writing under its own folder of
    /// `workDirectory`, and imports every task's results. The logs are `lm-eval-<n>.log` there.
    public func run(tasks: [TaskSelection], defaultLimit: Int?, workDirectory: URL) async throws -> LMEvalRunResult {
        struct Group: Hashable { let fewshot: Int?; let limit: Int?; let generation: [String: Double] }
        var order: [Group] = []
        var members: [Group: [String]] = [:]
        for task in tasks {
            let group = Group(fewshot: task.fewshot, limit: task.limit ?? defaultLimit, generation: task.generation)
            if members[group] == nil { order.append(group) }
            members[group, default: []].append(task.name)
        }
        var version: String?
        var imported: [String: LMEvalTaskResult] = [:]
        for (n, group) in order.enumerated() {
            let output = workDirectory.appendingPathComponent("lm-eval-\(n)")
            let args = arguments(tasks: members[group] ?? [], fewshot: group.fewshot, limit: group.limit, generation: group.generation,
                                 outputDirectory: output)
            let process = try ServerProcess(executable: python, arguments: args, environment: environment,
                                            logURL: workDirectory.appendingPathComponent("lm-eval-\(n).log"))
            let status: Int32
            do {
                while process.isRunning { try await Task.sleep(nanoseconds: 100_000_000) }
                status = process.exitCode ?? -1
            } catch {
                process.stop(grace: 5)
                throw error
            }
            guard status == 0 else {
                throw LMEvalHarnessError.failed(status: status, command: ([python] + args).joined(separator: " "), logTail: process.logTail())
            }
            let result = try Self.importResults(from: output)
            version = version ?? result.lmEvalVersion
            for task in result.tasks { imported[task.task] = task }
        }
        return LMEvalRunResult(lmEvalVersion: version, tasks: tasks.compactMap { imported[$0.name] })
    }

    /// `--gen_kwargs`: `max_gen_toks=64,temperature=0.5`, whole-number settings as integers, sorted.
    static func generationKwargs(_ generation: [String: Double]) -> String {
        generation.keys.sorted().map { key in
            let value = generation[key] ?? 0
            let text = GenerationSettings.override(named: key)?.whole == true ? String(Int(value)) : PythonFloat.repr(value)
            return "\(key)=\(text)"
        }.joined(separator: ",")
    }

    /// Reads the newest `results_*.json` under `directory` and the `samples_<task>_*.jsonl` beside it.
    public static func importResults(from directory: URL) throws -> LMEvalRunResult {
        let files = (FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)?.allObjects as? [URL]) ?? []
        guard let resultsFile = files.filter({ $0.lastPathComponent.hasPrefix("results_") && $0.pathExtension == "json" })
            .max(by: { $0.lastPathComponent < $1.lastPathComponent }) else {
            throw LMEvalHarnessError.missingResults(directory: directory.path)
        }
        let json: JSONValue
        do { json = try JSONValue.parse(try Data(contentsOf: resultsFile)) } catch {
            throw LMEvalHarnessError.malformed(path: resultsFile.path, message: "\(error)")
        }
        guard let results = json["results"]?.objectValue else {
            throw LMEvalHarnessError.malformed(path: resultsFile.path, message: "no 'results' object")
        }
        let stamp = resultsFile.deletingPathExtension().lastPathComponent.dropFirst("results_".count)
        var tasks: [LMEvalTaskResult] = []
        for name in results.keys.sorted() {
            var metrics: [String: Double] = [:]
            for (key, value) in results[name]?.objectValue ?? [:] where key.contains(",") {
                if let number = value.doubleValue { metrics[key] = number } else if value.stringValue == "N/A" { metrics[key] = .nan }
            }
            let samplesFile = resultsFile.deletingLastPathComponent().appendingPathComponent("samples_\(name)_\(stamp).jsonl")
            var samples: [JSONValue] = []
            if let data = try? Data(contentsOf: samplesFile) {
                for (number, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() {
                    do { samples.append(try JSONValue.parse(String(line))) } catch {
                        throw LMEvalHarnessError.malformed(path: samplesFile.path, message: "line \(number + 1): \(error)")
                    }
                }
            }
            let version = json["versions"]?[name].flatMap { $0.stringValue ?? $0.doubleValue.map(PythonFloat.repr) }
            tasks.append(LMEvalTaskResult(task: name, metrics: metrics, numFewshot: json["n-shot"]?[name]?.intValue,
                                          sampleCount: json["n-samples"]?[name]?["effective"]?.intValue,
                                          originalCount: json["n-samples"]?[name]?["original"]?.intValue, version: version, samples: samples))
        }
        return LMEvalRunResult(lmEvalVersion: json["lm_eval_version"]?.stringValue, tasks: tasks)
    }
}
