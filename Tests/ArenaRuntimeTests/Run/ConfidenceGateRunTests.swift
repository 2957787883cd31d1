import Foundation
import Testing
@testable import ArenaRuntime

/// `arena-script FILE` with `expect ... with confidence` gates on the quickstart's two tiny models
/// (native engine): an underpowered claim is INCONCLUSIVE in the terminal, `expectations.json`
/// and the report, and the run exits 3; a failed expectation still exits 1.
@Suite(.serialized) struct ConfidenceGateRunTests {
    static let gates = """

    expect tuned.arc_easy.acc > base.arc_easy.acc with confidence 0.95
    expect tuned.arc_easy.acc >= base.arc_easy.acc - 0.5 with confidence 0.95

    """

    static func scratch(extra: String) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("gate-\(UUID().uuidString)")
        for path in ["experiments/data", "models/tiny-llama", "models/tiny-qwen2"] {
            let target = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: QuickstartVerifyTests.repositoryRoot.appendingPathComponent(path), to: target)
        }
        let quickstart = try String(contentsOf: QuickstartVerifyTests.repositoryRoot.appendingPathComponent("experiments/quickstart.arena"), encoding: .utf8)
        try (quickstart + gates + extra).write(to: root.appendingPathComponent("experiments/gate.arena"), atomically: true, encoding: .utf8)
        return root
    }

    static func run(in root: URL) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try ResumeAfterKillTests.arenaScript())
        process.arguments = ["experiments/gate.arena", "--no-git", "--offline"]
        process.currentDirectoryURL = root
        var environment = ProcessInfo.processInfo.environment
        environment["ARENA_CACHE_DIR"] = root.appendingPathComponent("cache").path
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func anUnderpoweredClaimIsInconclusiveEverywhereAndExitsThree() async throws {
        let root = try Self.scratch(extra: "")
        defer { try? FileManager.default.removeItem(at: root) }
        let (status, output) = try Self.run(in: root)
        #expect(status == 3, "\(output)")
        #expect(output.contains("INCONCLUSIVE: expect tuned.arc_easy.acc > base.arc_easy.acc with confidence 0.95 (tuned − base on arc_easy acc = +0.0000 over 12 paired documents, 95% CI ["))
        #expect(output.contains("passed: expect tuned.arc_easy.acc >= base.arc_easy.acc - 0.5 with confidence 0.95"))

        let bundles = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("results/quickstart").path)
        let bundle = root.appendingPathComponent("results/quickstart/\(try #require(bundles.first))")
        let expectations = try JSONValue.parse(try Data(contentsOf: bundle.appendingPathComponent("expectations.json")))
        #expect(expectations.arrayValue?.map { $0["verdict"]?.stringValue } == ["passed", "inconclusive", "passed"])
        #expect(expectations.arrayValue?.map { $0["passed"]?.boolValue } == [true, false, true])
        #expect(try BundleReader.read(bundle).expectations.map(\.verdict) == [.passed, .inconclusive, .passed])
        let markdown = try String(contentsOf: bundle.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(markdown.contains("❔ **inconclusive**: `expect tuned.arc_easy.acc > base.arc_easy.acc with confidence 0.95`"))
        let html = try String(contentsOf: bundle.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("<span class=\"inconclusive\">? inconclusive</span>"))
        #expect(try await BundleVerifier.verify(lockfile: root.appendingPathComponent("lockfiles/gate.lock").path).differences == [])
    }

    @Test func aFailedExpectationOutranksAnInconclusiveOne() throws {
        let root = try Self.scratch(extra: "expect tuned.arc_easy.acc > 0.5\n")
        defer { try? FileManager.default.removeItem(at: root) }
        let (status, output) = try Self.run(in: root)
        #expect(status == 1, "\(output)")
        #expect(output.contains("FAILED: expect tuned.arc_easy.acc > 0.5") && output.contains("INCONCLUSIVE:"))
    }
}
