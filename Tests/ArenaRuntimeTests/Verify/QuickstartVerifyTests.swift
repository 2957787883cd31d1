import Foundation
import Testing
@testable import ArenaRuntime

/// The quickstart end to end in a scratch git repository: run, verify, tamper, re-run.
@Suite(.serialized) struct QuickstartVerifyTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// A git repository holding the quickstart experiment, its data and the tiny models, with the
    /// quickstart run once and its lockfile and bundle committed. Made once for the suite.
    actor Fixture {
        static let shared = Fixture()
        private var made: (root: URL, bundle: URL)?

        func get() async throws -> (root: URL, bundle: URL) {
            if let made { return made }
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("quickstart-\(UUID().uuidString)")
            let fm = FileManager.default
            for path in ["experiments/quickstart.arena", "experiments/data", "models/tiny-llama", "models/tiny-qwen2"] {
                let target = root.appendingPathComponent(path)
                try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try fm.copyItem(at: QuickstartVerifyTests.repositoryRoot.appendingPathComponent(path), to: target)
            }
            try QuickstartVerifyTests.git(root, "init", "-q")
            try QuickstartVerifyTests.git(root, "add", "-A")
            try QuickstartVerifyTests.git(root, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "quickstart")
            let outcome = try await QuickstartVerifyTests.runner(root).run(path: "experiments/quickstart.arena", options: .init())
            try QuickstartVerifyTests.git(root, "add", "-A")
            try QuickstartVerifyTests.git(root, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "results")
            made = (root, outcome.bundle)
            return (root, outcome.bundle)
        }
    }

    static func runner(_ root: URL) throws -> ExperimentRunner {
        var lock = try LockService.fromEnvironment([:])
        lock.currentDirectory = root
        return ExperimentRunner(lockService: lock, engines: StandardEngineProvider(cacheRoot: nil), datasets: .fromEnvironment(offline: true), log: { _ in })
    }

    static func git(_ dir: URL, _ args: String...) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        p.arguments = ["-C", dir.path] + args
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "git \(args) failed"]) }
    }

    static func lockfile(_ root: URL) -> String { root.appendingPathComponent("lockfiles/quickstart.lock").path }

    @Test func theQuickstartVerifies() async throws {
        let (root, _) = try await Fixture.shared.get()
        let report = try await BundleVerifier.verify(lockfile: Self.lockfile(root))
        #expect(report.differences == [])
        #expect(report.status == .reproduced)
        #expect(report.checks.contains { $0.hasPrefix("re-scoring:") })
        #expect(report.checks.contains { $0.hasPrefix("git: commit") })
    }

    @Test func flippingAnyByteOfTheBundleOrLockfileIsCaughtAndNamed() async throws {
        let (root, bundle) = try await Fixture.shared.get()
        let lockfile = URL(fileURLWithPath: Self.lockfile(root))
        let manifest = try BundleManifest.read(from: bundle)
        var targets = manifest.files.keys.sorted().map { (bundle.appendingPathComponent($0), $0) }
        targets.append((lockfile, "quickstart.lock"))
        var tried = 0
        for (url, name) in targets {
            let original = try Data(contentsOf: url)
            let positions = Set([0, original.count / 3, original.count / 2, (2 * original.count) / 3, original.count - 1])
            for position in positions.sorted() where position >= 0 && position < original.count {
                var flipped = original
                flipped[position] ^= 0x20
                try flipped.write(to: url)
                defer { try? original.write(to: url) }
                tried += 1
                do {
                    let report = try await BundleVerifier.verify(lockfile: lockfile.path)
                    #expect(report.status == .differs, "\(name) byte \(position) went unnoticed")
                    #expect(report.differences.contains { $0.contains(name) }, "\(name) byte \(position): \(report.differences)")
                } catch {
                    // Only a damaged lockfile may stop verification altogether, and the error names it.
                    #expect(name == "quickstart.lock" && "\(error)".contains("quickstart.lock"), "\(name) byte \(position): \(error)")
                }
            }
        }
        #expect(tried >= 60)
        #expect(try await BundleVerifier.verify(lockfile: lockfile.path).status == .reproduced)
    }

    @Test func aRerunOfTheNativeEngineReproducesExactly() async throws {
        let (root, bundle) = try await Fixture.shared.get()
        let comparison = try await Self.runner(root).rerun(lockfile: Self.lockfile(root), recorded: bundle)
        #expect(comparison.missing.isEmpty)
        #expect(comparison.verdicts.count == 4)
        #expect(comparison.reproduced, "\(comparison.verdicts.filter { !$0.reproduced }.map(\.detail))")
    }

    @Test func aChangedExperimentFileIsReported() async throws {
        let (root, _) = try await Fixture.shared.get()
        let file = root.appendingPathComponent("experiments/quickstart.arena")
        let original = try Data(contentsOf: file)
        defer { try? original.write(to: file) }
        try (original + Data("\n// edited\n".utf8)).write(to: file)
        let report = try await BundleVerifier.verify(lockfile: Self.lockfile(root))
        #expect(report.differences.contains { $0.hasPrefix("experiments/quickstart.arena: sha256") })
    }
}
