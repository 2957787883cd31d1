import Foundation
import Testing
@testable import ArenaRuntime

/// The native engine against Hugging Face transformers. transformers ran on a GPU machine
/// (scripts/gpu/transformers_logits.py, reduced by scripts/gpu/reduce_logits.py into
/// Tests/Fixtures/native/transformers_reference.json); this test regenerates each model folder with
/// the recorded generator arguments and compares the native logits: every position's log-sum-exp
/// and every 16th vocabulary entry, within 1e-4.
@Suite struct NativeTransformersAgreementTests {
    static let fixture = NativeTestSupport.repositoryRoot.appendingPathComponent("Tests/Fixtures/native/transformers_reference.json")

    static var modelNames: [String] {
        guard let data = try? Data(contentsOf: fixture), let json = try? JSONValue.parse(data) else { return [] }
        return (json["models"]?.objectValue ?? [:]).keys.sorted()
    }

    @Test(arguments: modelNames)
    func logitsMatchTransformers(name: String) throws {
        let json = try JSONValue.parse(try Data(contentsOf: Self.fixture))
        guard let entry = json["models"]?[name], let stride = json["stride"]?.intValue else {
            Issue.record("fixture lacks \(name)")
            return
        }
        let args = (entry["generator_args"]?.arrayValue ?? []).compactMap(\.stringValue)
        let folder = try NativeTestSupport.generate(args)
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let model = try NativeModel(folder: folder)
        var worst = 0.0
        for run in entry["runs"]?.arrayValue ?? [] {
            let tokens = (run["tokens"]?.arrayValue ?? []).compactMap(\.intValue)
            let ours = try model.logits(tokens: tokens, threads: 2)
            let lse = (run["logsumexp"]?.arrayValue ?? []).compactMap(\.doubleValue)
            let sampled = (run["sampled"]?.arrayValue ?? []).map { ($0.arrayValue ?? []).compactMap(\.doubleValue) }
            #expect(ours.count == tokens.count && lse.count == tokens.count && sampled.count == tokens.count)
            for (position, row) in ours.enumerated() where position < lse.count {
                let values = row.map(Double.init)
                let peak = values.max() ?? 0
                let ourLSE = peak + log(values.reduce(0) { $0 + exp($1 - peak) })
                worst = max(worst, abs(ourLSE - lse[position]))
                for (k, theirs) in sampled[position].enumerated() {
                    worst = max(worst, abs(values[k * stride] - theirs))
                }
            }
        }
        #expect(worst < 1e-4, "max |native − transformers| = \(worst) for \(name)")
    }
}
