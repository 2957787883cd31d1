import ArenaRuntime
import Foundation
import Testing

/// The native engine against Hugging Face transformers' CPU float32 logits (eager attention),
/// recorded by scripts/gpu/transformers_logits.py on folders written by make_weights.py and reduced
/// by scripts/gpu/reduce_logits.py to Tests/Fixtures/native/transformers_reference.json: per
/// position, the log-sum-exp of the whole row and every 16th logit, to 7 significant digits.
@Suite("Native engine against transformers")
struct NativeTransformersParityTests {
    struct Run {
        let tokens: [Int]
        let logsumexp: [Double]
        let sampled: [[Double]]
    }

    struct Model {
        let name: String
        let generatorArguments: [String]
        let runs: [Run]
    }

    static let fixture = NativeTestSupport.repositoryRoot.appendingPathComponent("Tests/Fixtures/native/transformers_reference.json")

    static func load() throws -> (stride: Int, models: [Model]) {
        let json = try JSONValue.parse(Data(contentsOf: fixture))
        func doubles(_ value: JSONValue?) throws -> [Double] {
            guard let list = value?.arrayValue else { throw NativeTestSupport.Failure(description: "\(fixture.path): expected a list of numbers") }
            return try list.map {
                guard let d = $0.doubleValue else { throw NativeTestSupport.Failure(description: "\(fixture.path): expected a number") }
                return d
            }
        }
        guard let stride = json["stride"]?.intValue, let models = json["models"]?.objectValue else {
            throw NativeTestSupport.Failure(description: "\(fixture.path): needs stride and models")
        }
        let parsed = try models.keys.sorted().map { name -> Model in
            let entry = models[name] ?? .null
            let arguments = (entry["generator_args"]?.arrayValue ?? []).compactMap(\.stringValue)
            let runs = try (entry["runs"]?.arrayValue ?? []).map { run in
                Run(tokens: try doubles(run["tokens"]).map { Int($0) },
                    logsumexp: try doubles(run["logsumexp"]),
                    sampled: try (run["sampled"]?.arrayValue ?? []).map { try doubles($0) })
            }
            return Model(name: name, generatorArguments: arguments, runs: runs)
        }
        return (stride, parsed)
    }

    @Test("logits of every fixture model within 1e-4 of transformers' CPU float32 run")
    func matchesTransformers() throws {
        let (stride, models) = try Self.load()
        #expect(models.count >= 5)
        for model in models {
            let folder = try NativeTestSupport.generate(model.generatorArguments)
            let native = try NativeModel(folder: folder)
            var worst = 0.0
            for run in model.runs {
                let logits = try native.logits(tokens: run.tokens, threads: 2)
                #expect(logits.count == run.logsumexp.count && logits.count == run.sampled.count)
                for (position, row) in logits.enumerated() {
                    let maximum = Double(row.max() ?? 0)
                    let lse = maximum + log(row.reduce(0.0) { $0 + exp(Double($1) - maximum) })
                    // The fixture keeps 7 significant digits: allow that rounding on top of 1e-4.
                    worst = max(worst, abs(lse - run.logsumexp[position]) - 5e-7 * abs(run.logsumexp[position]))
                    let sampled = Swift.stride(from: 0, to: row.count, by: stride).map { Double(row[$0]) }
                    #expect(sampled.count == run.sampled[position].count)
                    for (a, b) in zip(sampled, run.sampled[position]) { worst = max(worst, abs(a - b) - 5e-7 * abs(b)) }
                }
            }
            #expect(worst < 1e-4, "\(model.name): max |difference| \(worst)")
        }
    }
}
