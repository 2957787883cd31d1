import Foundation
import Testing
@testable import ArenaRuntime

/// `arena-script query` killed with SIGKILL at random moments (12 times), then run again, must give the
/// results of an uninterrupted run, re-sending only what was in flight at each kill.
@Suite(.serialized) struct ResumeAfterKillTests {
    static let concurrency = 4
    static let batchSize = 2

    /// The arena-script executable built beside the test bundle.
    static func arenaScript() throws -> String {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("arena-script"),
            ServerFixtures.directory.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent(".build/debug/arena-script"),
        ]
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            Issue.record("the arena-script executable was not found at \(candidates.map(\.path)); run 'swift build' first")
            throw FixtureError("arena-script missing")
        }
        return found.path
    }

    static func requestsFile(in directory: URL) throws -> URL {
        var lines: [String] = []
        for i in 0..<200 {
            let context = JSONValue.string("Question \(i): what follows \(i * 7 % 13)? Answer:")
            let continuation = JSONValue.string(" \(i % 5 == 0 ? "yes" : "no") \(i)")
            lines.append(JSONValue.object(["context": context, "continuation": continuation]).serialized(indent: nil))
        }
        for i in 0..<40 {
            lines.append(JSONValue.object(["prompt": .string("Story \(i):"), "until": .array([.string("\n\n")]), "max_tokens": .int(12)]).serialized(indent: nil))
        }
        let url = directory.appendingPathComponent("requests.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    static func start(_ binary: String, server: FakeServer, input: URL, output: URL, cache: URL, log: URL) throws -> ServerProcess {
        try ServerProcess(executable: binary, arguments: [
            "query", "--url", server.baseURL, "--model", server.model, "--revision", "abc123",
            "--input", input.path, "--output", output.path, "--cache-dir", cache.path,
            "--concurrency", String(concurrency), "--batch-size", String(batchSize),
        ], logURL: log)
    }

    static func waitForExit(_ process: ServerProcess, within seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let code = process.exitCode { return code }
            Thread.sleep(forTimeInterval: 0.01)
        }
        process.stop(grace: 0)
        return nil
    }

    static func answered(_ countFile: URL) -> [Substring] {
        ((try? String(contentsOf: countFile, encoding: .utf8)) ?? "").split(separator: "\n")
    }

    @Test func killedRunsResumeToIdenticalResultsResendingOnlyWhatWasInFlight() throws {
        let binary = try Self.arenaScript()
        let directory = try ServerFixtures.temporaryDirectory("resume")
        defer { try? FileManager.default.removeItem(at: directory) }
        let countFile = directory.appendingPathComponent("answered.txt")
        let server = try FakeServer(environment: ["FAKE_COUNT_FILE": countFile.path, "FAKE_LATENCY_MS": "20"])
        let input = try Self.requestsFile(in: directory)
        let log = directory.appendingPathComponent("query.log")

        // Uninterrupted reference run with a cache of its own.
        let referenceOutput = directory.appendingPathComponent("reference.jsonl")
        let reference = try Self.start(binary, server: server, input: input, output: referenceOutput,
                                       cache: directory.appendingPathComponent("reference-cache"), log: log)
        let referenceStatus = Self.waitForExit(reference, within: 120)
        #expect(referenceStatus == 0, "reference run failed: \(reference.logTail())")
        let referencePrompts = Set(Self.answered(countFile))
        // 200 loglikelihood prompts and 40 generation prompts.
        #expect(referencePrompts.count == 240)
        try Data().write(to: countFile)

        // Interrupted runs sharing one cache, each killed at a random moment.
        let cache = directory.appendingPathComponent("cache")
        let output = directory.appendingPathComponent("results.jsonl")
        // Runs get shorter as the cache fills, so keep starting runs until 12 have been killed.
        // Two runs in three are killed a random moment after the server has answered one of their
        // requests (mid-batch, mid-write); every third at a random moment after start.
        var kills = 0
        var delays: [Double] = []
        for run in 0..<40 where kills < 12 {
            let answeredBefore = Self.answered(countFile).count
            let process = try Self.start(binary, server: server, input: input, output: output, cache: cache, log: log)
            if run % 3 != 2 {
                let deadline = Date().addingTimeInterval(30)
                while process.isRunning, Self.answered(countFile).count == answeredBefore, Date() < deadline {
                    Thread.sleep(forTimeInterval: 0.005)
                }
            }
            // Short enough that a run is usually still going, whatever the machine's speed: each
            // killed run leaves only a little work done, so enough runs remain to kill.
            let delay = run % 3 == 2 ? Double.random(in: 0.0...0.3) : Double.random(in: 0.0...0.06)
            delays.append(delay)
            Thread.sleep(forTimeInterval: delay)
            if process.isRunning {
                kill(process.pid, SIGKILL)
                kills += 1
            }
            _ = Self.waitForExit(process, within: 30)
        }
        #expect(kills >= 10, "only \(kills) runs were still running when killed (delays \(delays))")
        // The killed runs did part of the work, and their answers were kept.
        let answeredBeforeFinal = Set(Self.answered(countFile)).count
        #expect(answeredBeforeFinal > 0 && answeredBeforeFinal < referencePrompts.count + 1)
        let cachedBeforeFinal = try RequestCache.scopes(root: cache).map(\.records).reduce(0, +)
        #expect(cachedBeforeFinal > 0)
        try? FileManager.default.removeItem(at: output)
        let final = try Self.start(binary, server: server, input: input, output: output, cache: cache, log: log)
        let finalStatus = Self.waitForExit(final, within: 120)
        #expect(finalStatus == 0, "final run failed: \(final.logTail())")

        #expect(try Data(contentsOf: output) == Data(contentsOf: referenceOutput))
        let answered = Self.answered(countFile)
        #expect(Set(answered) == referencePrompts)
        // Only requests in flight at a kill can have been answered twice.
        let repeated = answered.count - Set(answered).count
        #expect(repeated <= kills * Self.concurrency * Self.batchSize, "\(repeated) prompts answered twice over \(kills) kills")

        // Everything is cached now: another run sends nothing.
        let again = try Self.start(binary, server: server, input: input, output: output, cache: cache, log: log)
        #expect(Self.waitForExit(again, within: 60) == 0)
        #expect(Self.answered(countFile).count == answered.count)
        #expect(again.logTail().contains(" 0 sent"))
    }
}
