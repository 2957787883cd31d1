import Foundation
import Testing
@testable import ArenaRuntime

/// `run` reports prompts done per model and task: the native engine in slices, server engines as
/// their requests finish.
@Suite struct RunProgressTests {
    func progressLines(engineLine: String, servedName: String? = nil) async throws -> [String] {
        let root = try EndpointRunTests().makeRepository(engineLine: engineLine, servedName: servedName)
        defer { try? FileManager.default.removeItem(at: root) }
        var lock = try LockService.fromEnvironment([:])
        lock.currentDirectory = root
        let output = LogLines()
        let reporter = ProgressReporter(isTerminal: false, interval: 0, write: output.append)
        let runner = ExperimentRunner(lockService: lock, engines: StandardEngineProvider(cacheRoot: nil),
                                      datasets: .fromEnvironment(offline: true), progress: reporter, log: { _ in })
        _ = try await runner.run(path: "experiments/run.arena", options: .init(noGit: true))
        return output.lines
    }

    /// For each label: the done counts reported, in order, and the total.
    func counts(_ lines: [String], label: String) -> (done: [Int], total: Set<Int>) {
        var done: [Int] = []
        var totals = Set<Int>()
        for line in lines where line.hasPrefix(label + "  ") {
            let fraction = line.dropFirst(label.count + 2).prefix { $0 != " " }.split(separator: "/")
            if fraction.count == 2, let d = Int(fraction[0]), let t = Int(fraction[1]) {
                done.append(d)
                totals.insert(t)
            }
        }
        return (done, totals)
    }

    @Test func nativeRunsReportEachTaskInSlices() async throws {
        let lines = try await progressLines(engineLine: "let engine = native(threads: 1)")
        #expect(lines.allSatisfy { $0.hasSuffix("\n") && !$0.contains("\r") })
        // arc_easy: 12 documents × 4 choices; gsm8k: 3 generations.
        let arc = counts(lines, label: "tiny · arc_easy")
        #expect(arc.total == [48])
        #expect(arc.done.first == 0 && arc.done.last == 48)
        #expect(arc.done.count >= 4, "slices: \(arc.done)")
        #expect(arc.done == arc.done.sorted())
        let gsm8k = counts(lines, label: "tiny · gsm8k")
        #expect(gsm8k.total == [3] && gsm8k.done.last == 3)
        #expect(lines.last?.contains("in ") == true)
    }

    @Test func endpointRunsReportAsRequestsFinish() async throws {
        let served = try ServedModel.native(folder: EndpointRunTests.repositoryRoot.appendingPathComponent("models/tiny-llama"),
                                            name: "tiny-llama", threads: 1)
        let server = try CompletionServer(served: served, port: 0)
        let port = try await server.start()
        defer { Task { await server.stop() } }
        let lines = try await progressLines(engineLine: "let engine = endpoint(url: \"http://127.0.0.1:\(port)\", batch_size: 8)", servedName: "tiny-llama")
        let arc = counts(lines, label: "tiny · arc_easy")
        #expect(arc.total == [48] && arc.done.last == 48)
        #expect(arc.done.count >= 3, "updates: \(arc.done)")
        #expect(counts(lines, label: "tiny · gsm8k").done.last == 3)
    }
}
