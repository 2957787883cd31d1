import Foundation
import Testing
@testable import ArenaRuntime

/// The quickstart's lockfile and bundle are committed (lockfiles/quickstart.lock,
/// results/quickstart/<run id>/); CI proves them on every run, as `arena-script verify` would.
@Suite struct CommittedQuickstartTests {
    @Test func theCommittedQuickstartResultVerifies() throws {
        let lockfile = QuickstartVerifyTests.repositoryRoot.appendingPathComponent("lockfiles/quickstart.lock")
        let report = try BundleVerifier.verify(lockfile: lockfile.path)
        #expect(report.differences == [], "run the quickstart again and commit lockfiles/quickstart.lock and results/quickstart/")
        #expect(report.checks.contains { $0.hasPrefix("re-scoring:") })
        #expect(report.checks.contains { $0.hasPrefix("manifest:") })
    }
}
