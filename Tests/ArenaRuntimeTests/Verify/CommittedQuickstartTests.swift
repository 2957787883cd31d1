import Foundation
import Testing
@testable import ArenaRuntime

/// The quickstart's lockfile and bundle are committed (lockfiles/quickstart.lock,
/// results/quickstart/<run id>/); CI proves them on every run, as `arena-script verify` would.
@Suite struct CommittedQuickstartTests {
    @Test func theCommittedQuickstartResultVerifies() async throws {
        let lockfile = QuickstartVerifyTests.repositoryRoot.appendingPathComponent("lockfiles/quickstart.lock")
        let report = try await BundleVerifier.verify(lockfile: lockfile.path)
        #expect(report.differences == [], "run the quickstart again and commit lockfiles/quickstart.lock and results/quickstart/")
        #expect(report.checks.contains { $0.hasPrefix("re-scoring:") })
        #expect(report.checks.contains { $0.hasPrefix("manifest:") })
    }

    /// What CI's `arena-script lock experiments/quickstart.arena --locked` checks: the experiment
    /// still locks to exactly the committed lockfile (a change of lockfile format shows here too).
    @Test func theCommittedLockfileIsWhatTheExperimentLocksTo() async throws {
        let root = QuickstartVerifyTests.repositoryRoot
        var service = try LockService.fromEnvironment([:])
        service.currentDirectory = root
        var plan = try PlanLoader.load(path: root.appendingPathComponent("experiments/quickstart.arena").path)
        plan.sourcePath = "experiments/quickstart.arena"
        let outcome = try await service.lock(plan, options: .init(locked: true, offline: true))
        #expect(outcome == .upToDate(path: "lockfiles/quickstart.lock"))
    }
}
