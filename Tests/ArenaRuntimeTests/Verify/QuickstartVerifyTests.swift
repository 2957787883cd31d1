import Foundation
import Testing
@testable import ArenaRuntime

/// The quickstart end to end in a scratch git repository: run, verify, tamper, re-run.
@Suite(.serialized) struct QuickstartVerifyTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// A git repository holding the quickstart experiment, its data and the tiny models, with the
    /// quickstart run once and its lockfile and bundle committed.
    static let prepared: Result<(root: URL, bundle: URL), Error> = Result {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("quickstart-\(UUID().uuidString)")
        let fm = FileManager.default
        for path in ["experiments/quickstart.arena", "experiments/data", "models/tiny-llama", "models/tiny-qwen2"] {
            let target = root.appendingPathComponent(path)
            try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try fm.copyItem(at: repositoryRoot.appendingPathComponent(path), to: target)
        }
        try git(root, "init", "-q")
        try git(root, "add", "-A")
        try git(root, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "quickstart")
        let outcome = try runSync { try await runner(root).run(path: "experiments/quickstart.arena", options: .init()) }
        try git(root, "add", "-A")
        try git(root, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "results")
        return (root, outcome.bundle)
    }

    static func runner(_ root: URL) throws -> ExperimentRunner {
        var lock = try LockService.fromEnvironment([:])
        lock.currentDirectory = root
        return ExperimentRunner(lockService: lock, engines: StandardEngineProvider(), datasets: .fromEnvironment(offline: true), log: { _ in })
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

    static func runSync<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task.detached { box.set(await Result { try await body() }); done.signal() }
        done.wait()
        return try box.get()
    }

    var lockfile: URL { get throws { try Self.prepared.get().root.appendingPathComponent("lockfiles/quickstart.lock") } }

    @Test func theQuickstartVerifies() throws {
        let report = try BundleVerifier.verify(lockfile: try lockfile.path)
        #expect(report.differences == [])
        #expect(report.status == .reproduced)
        #expect(report.checks.contains { $0.hasPrefix("re-scoring:") })
        #expect(report.checks.contains { $0.hasPrefix("git: commit") })
    }

    @Test func flippingAnyByteOfTheBundleOrLockfileIsCaughtAndNamed() throws {
        let (_, bundle) = try Self.prepared.get()
        let manifest = try BundleManifest.read(from: bundle)
        var targets = manifest.files.keys.sorted().map { (bundle.appendingPathComponent($0), $0) }
        targets.append((try lockfile, "quickstart.lock"))
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
                    let report = try BundleVerifier.verify(lockfile: try lockfile.path)
                    #expect(report.status == .differs, "\(name) byte \(position) went unnoticed")
                    #expect(report.differences.contains { $0.contains(name) }, "\(name) byte \(position): \(report.differences)")
                } catch {
                    // Only a damaged lockfile may stop verification altogether, and the error names it.
                    #expect(name == "quickstart.lock" && "\(error)".contains("quickstart.lock"), "\(name) byte \(position): \(error)")
                }
            }
        }
        #expect(tried >= 60)
        #expect(try BundleVerifier.verify(lockfile: try lockfile.path).status == .reproduced)
    }

    @Test func aRerunOfTheNativeEngineReproducesExactly() async throws {
        let (root, bundle) = try Self.prepared.get()
        let comparison = try await Self.runner(root).rerun(lockfile: try lockfile.path, recorded: bundle)
        #expect(comparison.missing.isEmpty)
        #expect(comparison.verdicts.count == 4)
        #expect(comparison.reproduced, "\(comparison.verdicts.filter { !$0.reproduced }.map(\.detail))")
    }

    @Test func aChangedExperimentFileIsReported() throws {
        let (root, _) = try Self.prepared.get()
        let file = root.appendingPathComponent("experiments/quickstart.arena")
        let original = try Data(contentsOf: file)
        defer { try? original.write(to: file) }
        try (original + Data("\n// edited\n".utf8)).write(to: file)
        let report = try BundleVerifier.verify(lockfile: try lockfile.path)
        #expect(report.differences.contains { $0.hasPrefix("experiments/quickstart.arena: sha256") })
    }
}

final class ResultBox<T: Sendable>: @unchecked Sendable {
    private var value: Result<T, Error>?
    private let lock = NSLock()
    func set(_ v: Result<T, Error>) { lock.lock(); value = v; lock.unlock() }
    func get() throws -> T {
        lock.lock(); defer { lock.unlock() }
        guard let value else { throw CancellationError() }
        return try value.get()
    }
}

extension Result where Failure == Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
