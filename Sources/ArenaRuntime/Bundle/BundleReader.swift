import Foundation

/// Reads a bundle written by `BundleWriter` back into `BundleContents`.
public enum BundleReader {
    public static func read(_ root: URL) throws -> BundleContents {
        func text(_ path: String) throws -> String {
            let url = root.appendingPathComponent(path)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw BundleError.unreadable(path: url.path, reason: "missing")
            }
            return String(decoding: data, as: UTF8.self)
        }
        func json(_ path: String) throws -> JSONValue {
            do { return try JSONValue.parse(try text(path)) } catch let error as JSONParseError {
                throw BundleError.unreadable(path: root.appendingPathComponent(path).path, reason: error.message)
            }
        }
        let lock = try text(BundleLayout.lockfile)
        let source = try text(BundleLayout.experiment)
        var models: [BundleModel] = []
        var tasks: [TaskOutcome] = []
        let resultFiles = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("results").path)) ?? []
        for file in resultFiles.sorted() where file.hasSuffix(".json") {
            let key = String(file.dropLast(5))
            let doc = try json("results/\(file)")
            let engine = doc["engine"]
            models.append(BundleModel(
                key: key, id: doc["model_name"]?.stringValue ?? key, revision: doc["model_revision"]?.stringValue ?? "",
                engine: EngineIdentity(kind: engine?["kind"]?.stringValue ?? "", version: engine?["version"]?.stringValue ?? "",
                                       model: engine?["model"]?.stringValue ?? "")))
            for (task, entry) in (doc["results"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                var metrics: [String: Double] = [:]
                for (k, v) in entry.objectValue ?? [:] where k.contains(",") {
                    metrics[k] = v.doubleValue ?? .nan
                }
                let samplesPath = BundleLayout.samples(model: key, task: task)
                var samples: [JSONValue] = []
                for (n, line) in try text(samplesPath).split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
                    do { samples.append(try JSONValue.parse(String(line))) } catch let error as JSONParseError {
                        throw BundleError.unreadable(path: root.appendingPathComponent(samplesPath).path, reason: "line \(n + 1): \(error.message)")
                    }
                }
                let counts = doc["n-samples"]?[task]
                let version: String
                switch doc["versions"]?[task] {
                case let .double(d)?: version = PythonFloat.repr(d)
                case let .int(i)?: version = String(i)
                case let .string(s)?: version = s
                default: version = ""
                }
                tasks.append(TaskOutcome(
                    model: key, task: task, version: version,
                    nShot: doc["n-shot"]?[task]?.intValue ?? 0,
                    originalCount: counts?["original"]?.intValue ?? 0, effectiveCount: counts?["effective"]?.intValue ?? 0,
                    metrics: metrics,
                    higherIsBetter: (doc["higher_is_better"]?[task]?.objectValue ?? [:]).compactMapValues(\.boolValue),
                    primaryMetric: doc["primary_metric"]?[task]?.stringValue ?? metrics.keys.sorted().first ?? "",
                    config: doc["configs"]?[task] ?? .null, samples: samples,
                    truncation: TaskTruncation(json: doc["truncation"]?[task])))
            }
        }
        let expectations = (try json(BundleLayout.expectations).arrayValue ?? []).map {
            // Bundles written before `verdict` existed say only `passed`.
            ExpectationResult(source: $0["source"]?.stringValue ?? "", line: $0["line"]?.intValue ?? 0,
                              verdict: $0["verdict"]?.stringValue.flatMap(ExpectationVerdict.init(rawValue:))
                                  ?? (($0["passed"]?.boolValue ?? false) ? .passed : .failed),
                              detail: $0["detail"]?.stringValue ?? "")
        }
        var logs: [String: String] = [:]
        for model in models { logs[model.key] = try? text(BundleLayout.engineLog(model: model.key)) }
        let environment = (try? json(BundleLayout.environment)) ?? .null
        // The environment records the experiment's name and the models in plan order.
        if let order = environment["models"]?.arrayValue?.compactMap(\.stringValue) {
            let rank = Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            models.sort { (rank[$0.key] ?? .max, $0.key) < (rank[$1.key] ?? .max, $1.key) }
            tasks.sort { (rank[$0.model] ?? .max) < (rank[$1.model] ?? .max) }
        }
        let name = environment["experiment"]?.stringValue ?? root.deletingLastPathComponent().lastPathComponent
        return BundleContents(experiment: name, experimentSource: source, lockfileText: lock, models: models, tasks: tasks,
                              expectations: expectations, engineLogs: logs, environment: environment,
                              timing: (try? json(BundleLayout.timing)) ?? .null)
    }
}
