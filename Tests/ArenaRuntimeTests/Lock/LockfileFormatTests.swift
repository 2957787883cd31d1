import Foundation
import Testing
@testable import ArenaRuntime

@Suite struct LockfileFormatTests {
    static func sample() -> Lockfile {
        var engine = EngineSpec(key: "server", kind: .vllm, image: "vllm/vllm-openai:v0.8.5", gpu: "L40S", gpuCount: 2, tensorParallel: 2,
                                precision: "bf16", maxModelLength: 4096, gpuMemoryFraction: 0.9, extraArgs: ["--enforce-eager", "--x=\"quoted\""],
                                concurrency: 8, batchSize: 4)
        engine.harness = "lm-eval"
        let digest = "sha256:" + String(repeating: "5e", count: 32)
        return Lockfile(
            experiment: LockedExperiment(name: "finetune vs base — ß", file: "experiments/x.arena", sha256: String(repeating: "a", count: 64),
                                         seed: 1234, limit: 100, tolerance: Tolerance(absolute: 0.02, alpha: 0.05)),
            git: GitProvenance(head: String(repeating: "1", count: 40), branch: "feature/lock", detached: false, remoteName: "origin",
                               remoteURL: "https://github.example/org/repo.git", dirtyPaths: ["a b.txt", "notes/\"q\".md"], otherDirtyCount: 3),
            models: [LockedModel(key: "base", id: "Qwen/Qwen2.5-3B-Instruct", revision: "main", source: .hub, sha: String(repeating: "b", count: 40)),
                     LockedModel(key: "local", id: "../models/tiny", revision: "main", source: .local, sha: String(repeating: "c", count: 64))],
            engines: [LockedEngine(spec: engine, imageDigest: digest, pinnedImage: "docker.io/vllm/vllm-openai@\(digest)"),
                      LockedEngine(spec: EngineSpec(key: "cpu", kind: .native, threads: 4))],
            taskDatasets: [LockedHubDataset(id: "openai/gsm8k", revision: "main", sha: String(repeating: "d", count: 40))],
            datasets: [LockedDataset(key: "mine", id: "data", revision: "main", config: nil, source: .local, sha: String(repeating: "e", count: 64),
                                     files: ["test": "data/test.jsonl", "train": "data/train.jsonl"],
                                     fileHashes: ["test": String(repeating: "f", count: 64), "train": String(repeating: "0", count: 64)])],
            tasks: [LockedTask(name: "gsm8k", version: "3.0", promptHash: String(repeating: "9", count: 64), dataset: "openai/gsm8k", datasetConfig: "main")],
            runs: [LockedRun(model: "base", engine: "server", cell: 4, tasks: [
                TaskSelection(name: "gsm8k", fewshot: 5, limit: 100, generation: ["max_gen_toks": 256, "temperature": 0]),
                TaskSelection(name: "gsm8k", fewshot: 0, limit: 100, dataset: "mine"),
            ])])
    }

    @Test func renderThenParseGivesTheSameLockfile() throws {
        let lock = Self.sample()
        let text = LockfileWriter.render(lock)
        #expect(try LockfileReader.parse(text, path: "x.lock") == lock)
        #expect(LockfileWriter.render(lock) == text)
    }

    @Test func noGitIsRecordedAndReadBack() throws {
        var lock = Self.sample()
        lock.git = nil
        let text = LockfileWriter.render(lock)
        #expect(text.contains("\ngit.enabled = false\n"))
        #expect(try LockfileReader.parse(text, path: "x.lock") == lock)
    }

    @Test func oneFactPerLineWithQuotedKeysAndEscapedStrings() {
        let text = LockfileWriter.render(Self.sample())
        #expect(text.contains(#"task_dataset."openai/gsm8k".sha = "dddddddddddddddddddddddddddddddddddddddd""#))
        #expect(text.contains(#"engine.server.extra_args = ["--enforce-eager", "--x=\"quoted\""]"#))
        #expect(text.contains("run.1.task.1.generation.max_gen_toks = 256.0"))
        #expect(text.contains("experiment.tolerance.absolute = 0.02"))
        #expect(!text.contains("\n\n\n"))
        #expect(text.hasSuffix("\"\n"))
    }

    /// docs/lockfile.md shows a lockfile; it must be exactly what the writer produces for it.
    @Test func theDocumentedExampleIsCanonical() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs/lockfile.md")
        let markdown = try String(contentsOf: docs, encoding: .utf8)
        let start = try #require(markdown.range(of: "```toml\n"))
        let end = try #require(markdown.range(of: "```", range: start.upperBound..<markdown.endIndex))
        let example = String(markdown[start.upperBound..<end.lowerBound])
        let parsed = try LockfileReader.parse(example, path: "docs/lockfile.md")
        #expect(LockfileWriter.render(parsed) == example)
    }

    @Test(arguments: [
        ("format = 2\n", 1, "format 2 is not supported"),
        ("format = 1\ntool_version = 3\n", 2, "'tool_version': must be a string, found an integer"),
        ("format = 1\nformat = 1\n", 2, "already set on line 1"),
        ("format = 1\nfoo\n", 2, "expected '='"),
        ("format = 1\ntool_version = \"x\n", 2, "unterminated string"),
        ("format = 1\ntool_version = \"0.1.0\"\n", 0, "'experiment.name': missing"),
    ])
    func errorsNameTheLineAndTheField(text: String, line: Int, message: String) {
        let error = #expect(throws: LockfileSyntaxError.self) { try LockfileReader.parse(text, path: "lockfiles/x.lock") }
        #expect(error?.line == line)
        #expect(error?.description.contains(message) == true, "\(error?.description ?? "")")
        #expect(error?.description.hasPrefix("lockfiles/x.lock:") == true)
    }

    @Test func unknownFieldsAreRejected() throws {
        let text = LockfileWriter.render(Self.sample()) + "model.base.colour = \"red\"\n"
        let error = #expect(throws: LockfileSyntaxError.self) { try LockfileReader.parse(text, path: "x.lock") }
        #expect(error?.description.contains("unknown field 'model.base.colour'") == true)
        #expect(error?.line == text.split(separator: "\n", omittingEmptySubsequences: false).count - 1)
    }

    /// Kept and deleted lines rebuild the old text, kept and inserted lines the new one, also when
    /// the middle is too large for the LCS table and the script falls back to delete-all/insert-all.
    @Test(arguments: [4_000_000, 0])
    func editScriptsRebuildBothTexts(maxCells: Int) {
        let old = (1...200).map { "k\($0 % 17) = \($0)" }
        var new = old
        new[3] = "changed"
        new.insert("added", at: 100)
        new.removeSubrange(150..<160)
        let ops = UnifiedDiff.script(old, new, maxCells: maxCells)
        #expect(ops.filter { $0.kind != .insert }.map(\.text) == old)
        #expect(ops.filter { $0.kind != .delete }.map(\.text) == new)
        if maxCells > 0 { #expect(ops.filter { $0.kind != .same }.count == 1 + 1 + 1 + 10) }
    }

    /// The diff's hunks match what `diff -u` prints for the same two files.
    @Test func unifiedDiffMatchesDiffU() throws {
        let old = (1...30).map { "line \($0)" }.joined(separator: "\n") + "\n"
        var newLines = (1...30).map { "line \($0)" }
        newLines[4] = "line five"
        newLines.insert("inserted", at: 20)
        newLines.remove(at: 28)
        let new = newLines.joined(separator: "\n") + "\n"
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("diff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try old.write(to: dir.appendingPathComponent("a"), atomically: true, encoding: .utf8)
        try new.write(to: dir.appendingPathComponent("b"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["diff", "-u", "a", "b"]
        process.currentDirectoryURL = dir
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let expected = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let ours = UnifiedDiff.render(old: old, new: new, oldName: "a", newName: "b")
        // diff -u's header lines carry timestamps; compare from the first hunk on.
        let hunks = { (s: String) in s.split(separator: "\n").drop { !$0.hasPrefix("@@") }.joined(separator: "\n") }
        #expect(hunks(ours) == hunks(expected))
        #expect(UnifiedDiff.render(old: old, new: old, oldName: "a", newName: "b").isEmpty)
    }
}
