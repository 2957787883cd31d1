import Foundation
import Testing
@testable import ArenaRuntime

/// Provenance read through libgit2, checked against what the git CLI says about the same repository.
@Suite struct GitProvenanceTests {
    func read(_ repo: TemporaryRepository, file: String = "experiments/x.arena") throws -> (root: URL, provenance: GitProvenance) {
        try #require(try GitProvenanceReader.read(file: repo.root.appendingPathComponent(file), excluding: ["lockfiles/x.lock", "results/"]))
    }

    @Test func cleanRepositoryOnABranchWithCredentialsStrippedFromTheRemote() throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        try repo.write("experiments/x.arena", "experiment \"x\"\n")
        try repo.commitAll()
        try repo.git("remote", "add", "origin", "https://user:ghp_secretValue@github.example/org/repo.git")
        try repo.git("remote", "add", "backup", "https://backup.example/org/repo.git")

        let (root, p) = try read(repo)
        #expect(root.path == repo.root.path)
        #expect(p.head == (try repo.git("rev-parse", "HEAD")))
        #expect(p.branch == "main")
        #expect(!p.detached)
        #expect(p.remoteName == "origin")
        #expect(p.remoteURL == "https://github.example/org/repo.git")
        #expect(!p.dirty)
        #expect(p.dirtyPaths.isEmpty)
    }

    @Test func theExperimentsOwnPathsAreListedSortedAndEveryOtherChangeCounted() throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        try repo.write("experiments/x.arena", "experiment \"x\"\n")
        try repo.write("experiments/data/test.jsonl", "{}\n")
        try repo.write("models/m/config.json", "{}\n")
        try repo.write("README.md", "readme\n")
        try repo.write("gone.txt", "to delete\n")
        try repo.write(".gitignore", "*.log\n")
        try repo.commitAll()
        try repo.write("experiments/x.arena", "experiment \"x\"\nlet a = 1\n")
        try repo.write("experiments/data/test.jsonl", "{\"a\": 1}\n")
        try repo.write("models/m/new weights.bin", "new\n")
        try repo.write("models/m/.cache/x", "hidden\n")
        try repo.write("models/mm/other.bin", "a sibling folder, not the model\n")
        try repo.write("notes/new file.txt", "untracked\n")
        try repo.write("staged.txt", "staged\n")
        try repo.git("add", "staged.txt")
        try FileManager.default.removeItem(at: repo.root.appendingPathComponent("gone.txt"))
        try repo.write("debug.log", "ignored\n")
        try repo.write("lockfiles/x.lock", "format = 1\n")
        try repo.write("results/x/0123/results.json", "{}\n")
        try repo.write("results.txt", "not a run output\n")

        let tracking = ["experiments/data/test.jsonl", "models/m", "outside/../../elsewhere"].map { repo.root.appendingPathComponent($0) }
        let p = try #require(try GitProvenanceReader.read(file: repo.root.appendingPathComponent("experiments/x.arena"),
                                                         excluding: ["lockfiles/x.lock", "results/"], tracking: tracking)).provenance
        #expect(p.dirty)
        #expect(p.dirtyPaths == ["experiments/data/test.jsonl", "experiments/x.arena", "models/m/new weights.bin"])
        // Every path `git status` reports, less the lockfile and run outputs, is listed or counted.
        let porcelain = try repo.git("status", "--porcelain", "-uall", "-z")
            .split(separator: "\0").map { String($0.dropFirst(3)) }
            .filter { $0 != "lockfiles/x.lock" && !$0.hasPrefix("results/") }.sorted()
        #expect(porcelain.count == 9)
        #expect(p.otherDirtyCount == porcelain.count - p.dirtyPaths.count)
        #expect(Set(p.dirtyPaths).isSubset(of: Set(porcelain)))

        // Without tracked inputs only the experiment file is the experiment's own.
        let plain = try read(repo).provenance
        #expect(plain.dirtyPaths == ["experiments/x.arena"])
        #expect(plain.otherDirtyCount == porcelain.count - 1)
    }

    @Test func detachedHeadHasNoBranch() throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        try repo.write("experiments/x.arena", "1\n")
        try repo.commitAll("first")
        let first = try repo.git("rev-parse", "HEAD")
        try repo.write("experiments/x.arena", "2\n")
        try repo.commitAll("second")
        try repo.git("checkout", "-q", "--detach", first)

        let p = try read(repo).provenance
        #expect(p.detached)
        #expect(p.branch == nil)
        #expect(p.head == first)
    }

    @Test func noRemoteAndFirstRemoteByNameWithoutOrigin() throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        try repo.write("experiments/x.arena", "1\n")
        try repo.commitAll()
        var p = try read(repo).provenance
        #expect(p.remoteName == nil)
        #expect(p.remoteURL == nil)

        try repo.git("remote", "add", "upstream", "git@github.example:org/up.git")
        try repo.git("remote", "add", "backup", "ssh://deploy:pw@backup.example/org/repo.git")
        p = try read(repo).provenance
        #expect(p.remoteName == "backup")
        #expect(p.remoteURL == "ssh://deploy@backup.example/org/repo.git")
    }

    @Test func aRepositoryWithoutCommitsHasNoHead() throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        try repo.write("experiments/x.arena", "1\n")
        let p = try read(repo).provenance
        #expect(p.head == nil)
        #expect(p.branch == "main")
        #expect(p.dirtyPaths == ["experiments/x.arena"])
    }

    @Test func outsideARepositoryThereIsNoProvenance() throws {
        let dir = try TemporaryRepository.make(initialise: false)
        defer { dir.remove() }
        try dir.write("x.arena", "1\n")
        #expect(try GitProvenanceReader.read(file: dir.root.appendingPathComponent("x.arena"), excluding: []) == nil)
    }

    @Test(arguments: [
        ("https://user:token@github.com/org/repo.git", "https://github.com/org/repo.git"),
        ("https://ghp_onlyAToken@github.com/org/repo", "https://github.com/org/repo"),
        ("http://u:p@host:8080/path?q=1", "http://host:8080/path?q=1"),
        ("ssh://git:pw@host/org/repo.git", "ssh://git@host/org/repo.git"),
        ("ssh://git@host/org/repo.git", "ssh://git@host/org/repo.git"),
        ("git@github.com:org/repo.git", "git@github.com:org/repo.git"),
        ("/srv/git/repo.git", "/srv/git/repo.git"),
        ("https://github.com/org/a@b.git", "https://github.com/org/a@b.git"),
    ])
    func credentialsAreRemovedFromRemoteURLs(url: String, expected: String) {
        #expect(GitProvenanceReader.stripCredentials(url) == expected)
    }
}
