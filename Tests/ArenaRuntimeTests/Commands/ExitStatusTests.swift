import ArgumentParser
import Foundation
import Testing
@testable import ArenaCommands
@testable import ArenaRuntime

/// Every verb run as the real executable: the exit status for success, for each kind of failure,
/// and for a usage error, as the README's table says.
@Suite(.serialized) struct ExitStatusTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// A scratch git repository with a two-document version of the quickstart, run once.
    actor Quickstart {
        static let shared = Quickstart()
        private var made: (repo: TemporaryRepository, bundle: URL)?

        func get() async throws -> (repo: TemporaryRepository, bundle: URL) {
            if let made { return made }
            let repo = try TemporaryRepository.make()
            for path in ["experiments/data", "models/tiny-llama", "models/tiny-qwen2"] {
                let target = repo.root.appendingPathComponent(path)
                try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try FileManager.default.copyItem(at: ExitStatusTests.repositoryRoot.appendingPathComponent(path), to: target)
            }
            let source = try String(contentsOf: ExitStatusTests.repositoryRoot.appendingPathComponent("experiments/quickstart.arena"), encoding: .utf8)
            try repo.write("experiments/quickstart.arena", source.replacingOccurrences(of: "seed 1234\n", with: "seed 1234\nlimit 2\n"))
            try repo.commitAll("quickstart")
            let result = try await ArenaProcess.run(["experiments/quickstart.arena"], in: repo.root, environment: ExitStatusTests.environment(repo))
            #expect(result.status == 0, "\(result)")
            let line = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("bundle: ") })
            made = (repo, URL(fileURLWithPath: String(line.dropFirst("bundle: ".count))))
            return made!
        }
    }

    static func environment(_ repo: TemporaryRepository, _ extra: [String: String] = [:]) -> [String: String] {
        ArenaProcess.environment(scratch: repo.root.appendingPathComponent(".scratch")).merging(extra) { _, new in new }
    }

    static func run(_ arguments: String..., in repo: TemporaryRepository, environment extra: [String: String] = [:]) async throws -> ArenaProcess.Result {
        try await ArenaProcess.run(arguments, in: repo.root, environment: environment(repo, extra))
    }

    @Test func checkExits0Clean1WithErrorsAnd64OnAUsageError() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        try repo.write("good.arena", "experiment \"good\"\nlet m = model(\"acme/base\")\nevaluate(m, on: arc_easy, with: endpoint(url: \"http://127.0.0.1:9\"))\n")
        try repo.write("bad.arena", "experiment \"bad\"\nlet m = model(\"acme/base\"\n")
        #expect(try await Self.run("check", "good.arena", in: repo).status == 0)
        let bad = try await Self.run("check", "good.arena", "bad.arena", in: repo)
        #expect(bad.status == 1, "\(bad)")
        #expect(bad.stderr.contains("bad.arena:2:"))
        #expect(try await Self.run("check", "missing.arena", in: repo).status == 1)
        #expect(try await Self.run("check", in: repo).status == 64)
        #expect(try await Self.run("check", "--no-such-flag", "good.arena", in: repo).status == 64)
    }

    @Test func lockExits0Written1WhenLockedWouldChange2WhenItCannotAnd64OnAUsageError() async throws {
        let upstream = MovingSHA()
        let hub = try await LoopbackServer.start { request, _ in
            switch request.path {
            case "/api/models/acme/base/revision/main": return .json(200, "{\"sha\":\"\(await upstream.value)\"}")
            case "/api/datasets/allenai/ai2_arc/revision/main": return .json(200, "{\"sha\":\"\(String(repeating: "d", count: 40))\"}")
            default: return .json(404, #"{"error":"not found"}"#)
            }
        }
        defer { Task { await hub.stop() } }
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        try repo.write("experiments/x.arena", "experiment \"x\"\nlet base = model(\"acme/base\", revision: \"main\")\nevaluate(base, on: arc_easy, with: endpoint(url: \"http://127.0.0.1:9\"))\n")
        try repo.commitAll()
        let online = ["HF_ENDPOINT": hub.baseURL]

        // No lockfile and no network: 2, whichever way offline is asked for, without a request.
        for offline in [["ARENA_OFFLINE": "1"], ["HF_HUB_OFFLINE": "yes"], ["HF_HUB_OFFLINE": "", "TRANSFORMERS_OFFLINE": "ON"]] {
            let result = try await Self.run("lock", "experiments/x.arena", in: repo, environment: online.merging(offline) { a, _ in a })
            #expect(result.status == 2, "\(offline): \(result)")
            #expect(result.stderr.contains("model 'acme/base' at revision 'main'"), "\(result)")
        }
        #expect(try await Self.run("lock", "experiments/x.arena", "--offline", in: repo, environment: online).status == 2)
        #expect(await hub.requests.isEmpty)

        // A false value is not offline.
        let written = try await Self.run("lock", "experiments/x.arena", in: repo, environment: online.merging(["HF_HUB_OFFLINE": "0"]) { a, _ in a })
        #expect(written.status == 0, "\(written)")
        #expect(written.stdout.contains("wrote lockfiles/x.lock"))
        #expect(try await Self.run("lock", "experiments/x.arena", "--locked", in: repo, environment: online).status == 0)
        await upstream.set(String(repeating: "2", count: 40))
        let drift = try await Self.run("lock", "experiments/x.arena", "--locked", in: repo, environment: online)
        #expect(drift.status == 1, "\(drift)")
        #expect(drift.stderr.contains("+model.base.sha = \"\(String(repeating: "2", count: 40))\""))
        #expect(try await Self.run("lock", "experiments/nope.arena", in: repo, environment: online).status == 2)
        #expect(try await Self.run("lock", in: repo).status == 64)
    }

    @Test func runExits0Passed1OnAFailedExpectOrLockedDrift2WhenItCannotAnd64OnAUsageError() async throws {
        let (repo, _) = try await Quickstart.shared.get()
        let again = try await Self.run("experiments/quickstart.arena", "--locked", in: repo)
        #expect(again.status == 0, "\(again)")
        #expect(again.stdout.contains("passed: expect tuned.arc_easy.acc >= 0.0"))

        let source = try String(contentsOf: repo.root.appendingPathComponent("experiments/quickstart.arena"), encoding: .utf8)
        try repo.write("experiments/failing.arena", source.replacingOccurrences(of: "experiment \"quickstart\"", with: "experiment \"failing\"")
            .replacingOccurrences(of: "expect tuned.arc_easy.acc >= 0.0", with: "expect tuned.arc_easy.acc > 1.0"))
        let failed = try await Self.run("run", "experiments/failing.arena", in: repo)
        #expect(failed.status == 1, "\(failed)")
        #expect(failed.stdout.contains("FAILED: expect tuned.arc_easy.acc > 1.0"))

        // --locked: the lockfile records seed 1234, the experiment now says 99.
        try repo.write("experiments/failing.arena", source.replacingOccurrences(of: "experiment \"quickstart\"", with: "experiment \"failing\"")
            .replacingOccurrences(of: "seed 1234", with: "seed 99"))
        let drift = try await Self.run("run", "experiments/failing.arena", "--locked", in: repo)
        #expect(drift.status == 1, "\(drift)")
        #expect(drift.stderr.contains("+experiment.seed = 99"))

        try repo.write("experiments/nomodel.arena", """
            experiment "nomodel"
            let m = model("../models/none")
            let d = dataset(test: "data/science_qa_test.jsonl", train: "data/science_qa_train.jsonl")
            evaluate(m, on: arc_easy(dataset: d))

            """)
        let missing = try await Self.run("experiments/nomodel.arena", in: repo)
        #expect(missing.status == 2, "\(missing)")
        #expect(missing.stderr.contains("models/none"), "\(missing)")
        #expect(try await Self.run("run", "experiments/quickstart.arena", "--no-such-flag", in: repo).status == 64)
    }

    @Test func verifyExits0Reproduced1Differs2WhenItCannotAnd64OnAUsageError() async throws {
        let (repo, bundle) = try await Quickstart.shared.get()
        let ok = try await Self.run("verify", "lockfiles/quickstart.lock", in: repo)
        #expect(ok.status == 0, "\(ok)")
        let tampered = repo.root.appendingPathComponent(".scratch/tampered")
        try? FileManager.default.removeItem(at: tampered)
        try FileManager.default.createDirectory(at: tampered.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: bundle, to: tampered)
        let results = tampered.appendingPathComponent("results/base.json")
        try (try String(contentsOf: results, encoding: .utf8)).replacingOccurrences(of: "\"n-shot\"", with: "\"n-shot\" ")
            .write(to: results, atomically: true, encoding: .utf8)
        #expect(try await Self.run("verify", "lockfiles/quickstart.lock", "--bundle", tampered.path, in: repo).status == 1)
        #expect(try await Self.run("verify", "lockfiles/none.lock", in: repo).status == 2)
        #expect(try await Self.run("verify", in: repo).status == 64)
    }

    @Test func diffAndReportExit0Done2WhenTheyCannotAnd64OnAUsageError() async throws {
        let (repo, bundle) = try await Quickstart.shared.get()
        #expect(try await Self.run("diff", bundle.path, in: repo).status == 0)
        #expect(try await Self.run("diff", repo.root.appendingPathComponent("results/none").path, in: repo).status == 2)
        #expect(try await Self.run("diff", bundle.path, "--json", "--markdown", in: repo).status == 64)
        #expect(try await Self.run("report", bundle.path, in: repo).status == 0)
        #expect(try await Self.run("report", repo.root.appendingPathComponent("results/none").path, in: repo).status == 2)
        #expect(try await Self.run("report", in: repo).status == 64)
    }

    @Test func cacheExits0Done2WhenItCannotAnd64OnAUsageError() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        let empty = repo.root.appendingPathComponent("cache").path
        let info = try await Self.run("cache", "info", "--cache-dir", empty, in: repo)
        #expect(info.status == 0, "\(info)")
        #expect(info.stdout.contains("0 model/engine scope(s)"))
        #expect(try await Self.run("cache", "clear", "--cache-dir", empty, in: repo).status == 0)
        try repo.write("not-a-folder", "x")
        #expect(try await Self.run("cache", "info", "--cache-dir", repo.root.appendingPathComponent("not-a-folder").path, in: repo).status == 2)
        #expect(try await Self.run("cache", "info", "--no-such-flag", in: repo).status == 64)
    }

    @Test func queryExits0Answered2WhenItCannotAnd64OnAUsageError() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        let server = try FakeServer()
        defer { server.stop() }
        try repo.write("requests.jsonl", "{\"context\": \"Question: 1 + 1 =\", \"continuation\": \" 2\"}\n")
        let args = ["query", "--url", server.baseURL, "--model", server.model, "--input", "requests.jsonl", "--output", "out.jsonl",
                    "--cache-dir", repo.root.appendingPathComponent("cache").path]
        let answered = try await ArenaProcess.run(args, in: repo.root, environment: Self.environment(repo))
        #expect(answered.status == 0, "\(answered)")
        #expect(FileManager.default.fileExists(atPath: repo.root.appendingPathComponent("out.jsonl").path))
        var wrongModel = args
        wrongModel[4] = "other/model"
        let refused = try await ArenaProcess.run(wrongModel, in: repo.root, environment: Self.environment(repo))
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains("not 'other/model'"))
        var unreachable = args
        unreachable[2] = "http://127.0.0.1:\(try ServerFixtures.freePort())"
        #expect(try await ArenaProcess.run(unreachable, in: repo.root, environment: Self.environment(repo)).status == 2)
        #expect(try await Self.run("query", "--model", "m", in: repo).status == 64)
    }

    /// `serve` has no success status: it serves until it is stopped (docs/serve.md's tests cover serving).
    @Test func serveExits2WhenItCannotAnd64OnAUsageError() async throws {
        let repo = try TemporaryRepository.make()
        defer { repo.remove() }
        #expect(try await Self.run("serve", repo.root.appendingPathComponent("no-model").path, "--port", "0", in: repo).status == 2)
        #expect(try await Self.run("serve", "models/x", "--port", "not-a-port", in: repo).status == 64)
    }

    /// The README's table names every status the code maps errors to, and the code maps each
    /// kind of failure to the status the table gives it.
    @Test func theReadmeTableAndTheMappingAgree() throws {
        let readme = try String(contentsOf: Self.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let rows = readme.split(separator: "\n").filter { $0.hasPrefix("| `") }.compactMap { row in
            row.split(separator: "|").first.map { $0.trimmingCharacters(in: .whitespaces) }
        }
        for status in [ExitStatus.ok, ExitStatus.failed, ExitStatus.error, ExitStatus.inconclusive, ExitStatus.usage] {
            #expect(rows.contains("`\(status)`"), "README exit status table lacks \(status)")
        }
        #expect(ExitStatus.of(VerdictFailure.failed) == 1)
        #expect(ExitStatus.of(VerdictFailure.inconclusive) == 3)
        #expect(ExitStatus.of(LockError.wouldChange(path: "x.lock", diff: "")) == 1)
        #expect(ExitStatus.of(LockError.noLockfile(path: "x.lock")) == 2)
        #expect(ExitStatus.of(CommandFailure(description: "x")) == 2)
        #expect(ExitStatus.of(ValidationError("x")) == 64)
        #expect(ExitStatus.of(ExitCode(130)) == 130)
    }
}

/// A Hub branch a test moves.
actor MovingSHA {
    var value = String(repeating: "1", count: 40)
    func set(_ sha: String) { value = sha }
}
