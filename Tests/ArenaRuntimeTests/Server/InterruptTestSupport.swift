import Foundation
import Testing
@testable import ArenaRuntime

/// One `arena-script run` of a small experiment (arc_easy over 100 generated questions: 400
/// loglikelihood requests, one prompt each) on a stand-in `vllm` or `docker` server, started in a
/// process group of its own as a shell would start it, so a test can signal it like a terminal does.
struct InterruptedRun {
    static let questions = 100
    static let requests = questions * 4

    let stand: StandInEnvironment
    var directory: URL { stand.directory }
    var countFile: URL { directory.appendingPathComponent("answered.txt") }
    var cacheDirectory: URL { directory.appendingPathComponent("cache/requests") }
    var logFile: URL { directory.appendingPathComponent("arena.log") }

    /// `engine`: the experiment's engine call; `grace`: ARENA_STOP_GRACE; `extra`: stand-in settings.
    init(_ name: String, engine: String, grace: Double, extra: [String: String] = [:]) throws {
        var stand = try StandInEnvironment(name)
        let folder = stand.directory
        stand.environment["ARENA_CACHE_DIR"] = folder.appendingPathComponent("cache").path
        stand.environment["HF_HOME"] = folder.appendingPathComponent("hf").path
        stand.environment["ARENA_STOP_GRACE"] = PythonFloat.repr(grace)
        stand.environment["FAKE_COUNT_FILE"] = folder.appendingPathComponent("answered.txt").path
        stand.environment["FAKE_LATENCY_MS"] = "30"
        for (k, v) in extra { stand.environment[k] = v }
        self.stand = stand
        let data = directory.appendingPathComponent("experiments/data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let rows = (0..<Self.questions).map { i in
            JSONValue.object([
                "id": .string("q\(i)"), "question": .string("Which word comes with number \(i)?"), "answerKey": .string("A"),
                "choices": .object(["label": .array(["A", "B", "C", "D"].map { .string($0) }),
                                    "text": .array(["alpha", "beta", "gamma", "delta"].map { .string("\($0) \(i)") })]),
            ]).serialized(indent: nil)
        }
        try (rows.joined(separator: "\n") + "\n").write(to: data.appendingPathComponent("qa_test.jsonl"), atomically: true, encoding: .utf8)
        try (rows.prefix(4).joined(separator: "\n") + "\n").write(to: data.appendingPathComponent("qa_train.jsonl"), atomically: true, encoding: .utf8)
        let experiment = """
            experiment "interrupt"
            let tiny = model("org/tiny-model", revision: "\(testPins.modelCommit)")
            let server = \(engine)
            let qa = dataset(test: "data/qa_test.jsonl", train: "data/qa_train.jsonl")
            evaluate(tiny, on: arc_easy(dataset: qa), with: server)

            """
        try experiment.write(to: directory.appendingPathComponent("experiments/run.arena"), atomically: true, encoding: .utf8)
    }

    static let pinnedImage = "vllm/vllm-openai:v0.8.5@sha256:" + String(repeating: "ab", count: 32)

    /// Starts `arena-script run` in the experiment's folder (where its lockfile and results go), its
    /// output to `output` (the log file by default).
    func start(output: URL? = nil) throws -> ServerProcess {
        let binary = try ResumeAfterKillTests.arenaScript()
        return try ServerProcess(executable: "/bin/sh", arguments: [
            "-c", "cd \"$0\" && exec \"$1\" run --offline --no-git experiments/run.arena", directory.path, binary,
        ], environment: stand.environment, logURL: output ?? logFile)
    }

    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }
    var answered: [Substring] { ((try? String(contentsOf: countFile, encoding: .utf8)) ?? "").split(separator: "\n") }
    var cachedRecords: Int { ((try? RequestCache.scopes(root: cacheDirectory)) ?? []).map(\.records).reduce(0, +) }

    /// Waits until `condition` holds or `seconds` pass; true when it held.
    @discardableResult
    static func wait(_ seconds: Double, until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return condition()
    }

    /// The server the run started: the process id of `vllm serve` or of the stand-in container, and
    /// what names it on a command line (its port, and the container's name).
    func server(within seconds: Double) -> (pid: Int32, marks: [String])? {
        var found: (pid: Int32, marks: [String])?
        Self.wait(seconds) {
            guard let line = stand.argvLines.first(where: { $0.count > 1 && ($0[1] == "serve" || $0[1] == "run") }) else { return false }
            if line[0] == "docker", let index = line.firstIndex(of: "--name"), index + 1 < line.count {
                let name = line[index + 1]
                let pidFile = directory.appendingPathComponent("docker-state/\(name).pid")
                guard let text = try? String(contentsOf: pidFile, encoding: .utf8),
                      let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { return false }
                let port = line.first { $0.hasPrefix("127.0.0.1:") }.map { $0.split(separator: ":")[1] }.map(String.init)
                found = (pid, [name] + (port.map { [$0] } ?? []))
            } else if let index = line.firstIndex(of: "--port"), index + 1 < line.count, let port = Int(line[index + 1]),
                      let pid = StandInEnvironment.processes(mentioning: port).first {
                found = (pid, [line[index + 1]])
            }
            return found != nil
        }
        return found
    }

    /// Processes (not zombies) in process group `group`, read from /proc.
    static func members(ofGroup group: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = text.lastIndex(of: ")") else { return false }
            let fields = text[text.index(after: close)...].split(separator: " ")
            return fields.count > 2 && fields[0] != "Z" && fields[2] == "\(group)"
        }
    }

    /// Processes with `mark` (a port, a container name) as a word of their command line.
    static func processes(containing mark: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard pid != getpid(), let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: data, as: UTF8.self).split(separator: "\0").contains { $0 == mark } && ServerFixtures.isAlive(pid)
        }
    }

    /// Nothing of the server is left: its process, its group, anything naming its port or container.
    func expectNothingLeft(of server: (pid: Int32, marks: [String]), sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!ServerFixtures.isAlive(server.pid), "server \(server.pid) still runs", sourceLocation: sourceLocation)
        #expect(Self.members(ofGroup: server.pid).isEmpty, "group \(server.pid) still has \(Self.members(ofGroup: server.pid))",
                sourceLocation: sourceLocation)
        for mark in server.marks {
            #expect(Self.processes(containing: mark).isEmpty, "processes naming \(mark) remain", sourceLocation: sourceLocation)
        }
        // A failed check leaves nothing running for the tests after it.
        _ = kill(-server.pid, SIGKILL)
        for pid in server.marks.flatMap(Self.processes(containing:)) { _ = kill(pid, SIGKILL) }
    }

    func cleanUp() { stand.cleanUp() }
}

/// A named pipe arena-script writes its output into, read by the test as `| tee` would read it.
/// Closing the reading end is what a Ctrl-C at the terminal does to `tee`.
final class OutputPipe: @unchecked Sendable {
    let url: URL
    private let fd: Int32
    private let lock = NSLock()
    private var received = Data()
    private var closed = false

    init(in directory: URL) throws {
        url = directory.appendingPathComponent("output.fifo")
        guard mkfifo(url.path, 0o600) == 0 else { throw FixtureError("mkfifo \(url.path): \(String(cString: strerror(errno)))") }
        fd = open(url.path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw FixtureError("open \(url.path): \(String(cString: strerror(errno)))") }
        let thread = Thread { [self] in drain() }
        thread.start()
    }

    var text: String { lock.withLock { String(decoding: received, as: UTF8.self) } }

    func closeReader() {
        lock.withLock {
            guard !closed else { return }
            closed = true
            close(fd)
        }
    }

    private func drain() {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = lock.withLock { () -> Int in
                guard !closed else { return -2 }
                let count = read(fd, &buffer, buffer.count)
                if count > 0 { received.append(contentsOf: buffer[0..<count]) }
                return count
            }
            if count == -2 { return }
            if count <= 0 { Thread.sleep(forTimeInterval: 0.005) }
        }
    }

    deinit { closeReader() }
}
