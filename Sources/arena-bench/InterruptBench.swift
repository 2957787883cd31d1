import ArenaRuntime
import Foundation

/// `arena-bench interrupt`: how long `arena-script run` takes from Ctrl-C (SIGINT to its process
/// group, as a terminal sends it) to its exit with its server stopped, for a local `vllm serve` and
/// for a docker container (the test stand-ins in Tests/Fixtures/server/bin, serving 30 ms
/// requests), and from a second Ctrl-C to the exit when the server ignores SIGTERM (grace 60 s).
///
/// Options: `--python P` (runs the stand-in server; default $ARENA_TEST_PYTHON), `--runs N`
/// (default 10), `--binary PATH` (default: the arena-script beside arena-bench).
enum InterruptBench {
    struct BenchError: Error, CustomStringConvertible {
        let description: String
    }

    struct Case {
        var name: String
        var engine: String
        var settings: [String: String]
        var secondInterrupt: Bool
    }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Tests/Fixtures/server")
    static let image = "vllm/vllm-openai:v0.8.5@sha256:" + String(repeating: "ab", count: 32)

    static func run(_ args: [String]) async throws {
        var python = ProcessInfo.processInfo.environment["ARENA_TEST_PYTHON"] ?? "python3"
        var runs = 10
        var binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("arena-script").path
        var i = 0
        while i < args.count {
            guard i + 1 < args.count else { throw BenchError(description: "missing value after \(args[i])") }
            switch args[i] {
            case "--python": python = args[i + 1]
            case "--runs": runs = Int(args[i + 1]) ?? runs
            case "--binary": binary = args[i + 1]
            default: throw BenchError(description: "unknown option \(args[i])")
            }
            i += 2
        }
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw BenchError(description: "no arena-script at \(binary)") }
        let cases = [
            Case(name: "Ctrl-C, local vllm", engine: "vllm(command: \"vllm serve\", concurrency: 2, batch_size: 1)",
                 settings: ["ARENA_STOP_GRACE": "5"], secondInterrupt: false),
            Case(name: "Ctrl-C, docker container", engine: "vllm(image: \"\(image)\", concurrency: 2, batch_size: 1)",
                 settings: ["ARENA_STOP_GRACE": "5"], secondInterrupt: false),
            Case(name: "second Ctrl-C, local vllm ignoring SIGTERM", engine: "vllm(command: \"vllm serve\", concurrency: 2, batch_size: 1)",
                 settings: ["ARENA_STOP_GRACE": "60", "FAKE_IGNORE_TERM": "1"], secondInterrupt: true),
            Case(name: "second Ctrl-C, docker container ignoring SIGTERM", engine: "vllm(image: \"\(image)\", concurrency: 2, batch_size: 1)",
                 settings: ["ARENA_STOP_GRACE": "60", "FAKE_IGNORE_TERM": "1"], secondInterrupt: true),
        ]
        print("| case | runs | median ms | min ms | max ms |\n|---|---|---|---|---|")
        for benchCase in cases {
            var times: [Double] = []
            for _ in 0..<runs {
                times.append(try measure(benchCase, binary: binary, python: python))
            }
            times.sort()
            let median = times[times.count / 2]
            print("| \(benchCase.name) | \(runs) | \(format(median)) | \(format(times[0])) | \(format(times[times.count - 1])) |")
        }
    }

    static func format(_ ms: Double) -> String { String(format: "%.0f", ms) }

    /// One run: start, wait until 20 prompts are answered, interrupt, milliseconds until the exit.
    static func measure(_ benchCase: Case, binary: String, python: String) throws -> Double {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("arena-bench-interrupt-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try writeExperiment(engine: benchCase.engine, in: directory)
        let count = directory.appendingPathComponent("answered.txt")
        var environment = [
            "PATH": fixtures.appendingPathComponent("bin").path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
            "ARENA_TEST_PYTHON": python, "FAKE_DOCKER_STATE": directory.appendingPathComponent("docker-state").path,
            "FAKE_COUNT_FILE": count.path, "FAKE_LATENCY_MS": "30",
            "ARENA_CACHE_DIR": directory.appendingPathComponent("cache").path, "HF_HOME": directory.appendingPathComponent("hf").path,
        ]
        for (key, value) in benchCase.settings { environment[key] = value }
        let log = directory.appendingPathComponent("arena.log")
        let process = try ServerProcess(executable: "/bin/sh", arguments: [
            "-c", "cd \"$0\" && exec \"$1\" run --offline --no-git experiments/run.arena", directory.path, binary,
        ], environment: environment, logURL: log)
        func lines(_ url: URL) -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }
        guard wait(60, until: { lines(count).split(separator: "\n").count >= 20 || !process.isRunning }), process.isRunning else {
            process.stop(grace: 0)
            throw BenchError(description: "the run did not get going: \(lines(log))")
        }
        if benchCase.secondInterrupt {
            kill(-process.pid, SIGINT)
            guard wait(10, until: { lines(log).contains("interrupted (SIGINT)") }) else {
                process.stop(grace: 0)
                throw BenchError(description: "no interrupt message: \(lines(log))")
            }
        }
        let started = Date()
        kill(-process.pid, SIGINT)
        guard wait(90, until: { !process.isRunning }), process.exitCode == 130 else {
            process.stop(grace: 0)
            throw BenchError(description: "exit status \(process.exitCode.map(String.init) ?? "none"): \(lines(log))")
        }
        return Date().timeIntervalSince(started) * 1000
    }

    static func wait(_ seconds: Double, until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.001)
        }
        return condition()
    }

    /// arc_easy over 100 generated questions (400 loglikelihood requests) with `engine`.
    static func writeExperiment(engine: String, in directory: URL) throws {
        let data = directory.appendingPathComponent("experiments/data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let rows = (0..<100).map { i in
            JSONValue.object([
                "id": .string("q\(i)"), "question": .string("Which word comes with number \(i)?"), "answerKey": .string("A"),
                "choices": .object(["label": .array(["A", "B", "C", "D"].map { .string($0) }),
                                    "text": .array(["alpha", "beta", "gamma", "delta"].map { .string("\($0) \(i)") })]),
            ]).serialized(indent: nil)
        }
        try AtomicFile.write(rows.joined(separator: "\n") + "\n", to: data.appendingPathComponent("qa_test.jsonl"))
        try AtomicFile.write(rows.prefix(4).joined(separator: "\n") + "\n", to: data.appendingPathComponent("qa_train.jsonl"))
        try AtomicFile.write("""
            experiment "interrupt-bench"
            let tiny = model("org/tiny-model", revision: "0123456789abcdef0123456789abcdef01234567")
            let server = \(engine)
            let qa = dataset(test: "data/qa_test.jsonl", train: "data/qa_train.jsonl")
            evaluate(tiny, on: arc_easy(dataset: qa), with: server)

            """, to: directory.appendingPathComponent("experiments/run.arena"))
    }
}
