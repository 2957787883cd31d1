import Foundation
import Testing
@testable import ArenaRuntime

/// The lockfile of an unchanged experiment stays byte for byte the same (and with it the run id)
/// whatever else happens in the repository; changes to the experiment's own files are recorded.
/// Real git repositories, made by the tests; the Hub and registry on loopback.
@Suite struct LockfileStabilityTests {
    @Test func unrelatedFilesAndNewCommitsLeaveTheLockfileAlone() async throws {
        let s = try await LockServiceTests.setUp()
        defer { Task { await s.cleanUp() } }
        #expect(try await s.service.lock(s.plan, options: .init()) == .written(path: "lockfiles/x.lock"))
        let first = try String(contentsOf: s.lockURL, encoding: .utf8)
        #expect(first.contains("git.dirty_paths = []\ngit.other_dirty_count = 0\n"))

        try s.repo.write("notes/unrelated.txt", "a file that has nothing to do with the experiment\n")
        #expect(try await s.service.lock(s.plan, options: .init()) == .unchanged(path: "lockfiles/x.lock"))
        try s.repo.write("README.md", "changed\n")
        try s.repo.commitAll("unrelated commit")    // HEAD moves; the lockfile is committed with it
        try s.repo.write("scratch.txt", "untracked\n")
        let (outcome, lock) = try await s.service.lockAndLoad(s.plan, options: .init())
        #expect(outcome == .unchanged(path: "lockfiles/x.lock"))
        #expect(try String(contentsOf: s.lockURL, encoding: .utf8) == first)
        // What `run` bundles and hashes into the run id is the file on disk.
        #expect(LockfileWriter.render(lock) == first)
        #expect(BundleLayout.runID(lockfileText: LockfileWriter.render(lock)) == BundleLayout.runID(lockfileText: first))
    }

    @Test func theExperimentsOwnChangedFilesAreListedAndTheRestCounted() async throws {
        let s = try await LockServiceTests.setUp()
        defer { Task { await s.cleanUp() } }
        _ = try await s.service.lock(s.plan, options: .init())
        try s.repo.commitAll("lock")
        let lockedHead = try s.repo.git("rev-parse", "HEAD")

        try s.repo.write("models/tiny/weights/model.bin", "retrained")
        try s.repo.write("models/tiny/.cache/meta", "hidden names are not hashed\n")
        try s.repo.write("experiments/x.arena", "experiment \"x\"\nlet base = model(\"acme/base\")\n// edited\n")
        try s.repo.write("other/one.txt", "1\n")
        try s.repo.write("other/two.txt", "2\n")
        #expect(try await s.service.lock(s.plan, options: .init()) == .written(path: "lockfiles/x.lock"))
        let dirty = try LockfileReader.read(path: s.lockURL.path)
        #expect(dirty.git?.dirtyPaths == ["experiments/x.arena", "models/tiny/weights/model.bin"])
        #expect(dirty.git?.otherDirtyCount == 3)
        #expect(dirty.git?.head == lockedHead)
        // The same count as `git status` gives, less the lockfile and the listed paths.
        let porcelain = try s.repo.git("status", "--porcelain", "-uall", "-z").split(separator: "\0").map { String($0.dropFirst(3)) }
        #expect(porcelain.filter { $0 != "lockfiles/x.lock" }.count == 2 + 3)

        // Committed, the same content is clean at the new HEAD: the lockfile says so.
        try s.repo.commitAll("retrain")
        #expect(try await s.service.lock(s.plan, options: .init()) == .written(path: "lockfiles/x.lock"))
        let clean = try LockfileReader.read(path: s.lockURL.path)
        #expect(clean.git?.dirtyPaths == [])
        #expect(clean.git?.otherDirtyCount == 0)
        #expect(clean.git?.head == (try s.repo.git("rev-parse", "HEAD")))
        #expect(clean.models == dirty.models)
    }

    @Test func aLocalDatasetFileIsTracked() async throws {
        let s = try await LockServiceTests.setUp()
        defer { Task { await s.cleanUp() } }
        try s.repo.write("experiments/data/test.jsonl", "{\"question\": \"q\"}\n")
        try s.repo.commitAll("data")
        var plan = s.plan
        plan.datasets = [DatasetSpec(key: "d", id: "data/test.jsonl", isLocalPath: true, files: ["test": "data/test.jsonl"])]
        _ = try await s.service.lock(plan, options: .init())
        try s.repo.write("experiments/data/test.jsonl", "{\"question\": \"changed\"}\n")
        try s.repo.write("experiments/data/unused.jsonl", "{}\n")
        _ = try await s.service.lock(plan, options: .init())
        let lock = try LockfileReader.read(path: s.lockURL.path)
        #expect(lock.git?.dirtyPaths == ["experiments/data/test.jsonl"])
        #expect(lock.git?.otherDirtyCount == 1)
    }

    @Test func aLockfileAsAnOlderVersionWroteItIsRewritten() async throws {
        let s = try await LockServiceTests.setUp()
        defer { Task { await s.cleanUp() } }
        _ = try await s.service.lock(s.plan, options: .init())
        let current = try String(contentsOf: s.lockURL, encoding: .utf8)
        // Without git.other_dirty_count (read as 0), the file is not what this version writes.
        try current.replacingOccurrences(of: "git.other_dirty_count = 0\n", with: "").write(to: s.lockURL, atomically: true, encoding: .utf8)
        #expect(try LockfileReader.read(path: s.lockURL.path).git?.otherDirtyCount == 0)
        #expect(try await s.service.lock(s.plan, options: .init()) == .written(path: "lockfiles/x.lock"))
        #expect(try String(contentsOf: s.lockURL, encoding: .utf8) == current)
    }
}
