import Foundation
#if canImport(Glibc)
import Glibc
#endif

public enum ServerProcessError: Error, CustomStringConvertible {
    case spawnFailed(executable: String, message: String)
    /// An interrupt (Ctrl-C, SIGTERM) is stopping every server: no new one starts.
    case interrupted(executable: String)

    public var description: String {
        switch self {
        case let .spawnFailed(executable, message): return "could not start \(executable): \(message)"
        case let .interrupted(executable): return "not starting \(executable): arena-script was interrupted and is stopping its servers"
        }
    }
}

/// A child process in a process group of its own, its stdout and stderr going to a log file.
/// Stopping it signals the whole group (SIGTERM, a grace period, then SIGKILL) and reaps it.
public final class ServerProcess: @unchecked Sendable {
    public let pid: pid_t
    public let logURL: URL
    public let executable: String
    /// `docker run --name NAME ...`: the container's name, which `docker stop` and `docker rm -f` need.
    public let containerName: String?
    /// The environment the child got (the tools that stop a container run with it too).
    let environment: [String: String]
    private let registry: ServerProcessRegistry?
    private let lock = NSLock()
    private var exitStatus: Int32?

    /// Starts `executable` (looked up on the PATH of the child's environment when it has no slash) with `arguments`. The child
    /// inherits this process's environment plus `environment`, no open file other than stdin
    /// (/dev/null), stdout and stderr (the log), an empty signal mask and default signal handlers
    /// (so SIGTERM reaches it whatever thread spawned it). Once an interrupt has begun stopping
    /// servers, no process starts: `ServerProcessError.interrupted`.
    public convenience init(executable: String, arguments: [String], environment: [String: String] = [:], logURL: URL) throws {
        try self.init(executable: executable, arguments: arguments, environment: environment, logURL: logURL, registry: .shared)
    }

    /// `registry`: where the process is recorded so an interrupt stops it; nil for the short-lived
    /// tools the interrupt itself runs (`docker stop`).
    init(executable: String, arguments: [String], environment: [String: String] = [:], logURL: URL,
         registry: ServerProcessRegistry?) throws {
        self.executable = executable
        self.logURL = logURL
        self.registry = registry
        containerName = Self.containerName(executable: executable, arguments: arguments)
        try FileManager.default.createDirectory(at: logURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        let logFD = open(logURL.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard logFD >= 0 else {
            throw ServerProcessError.spawnFailed(executable: executable, message: "log file \(logURL.path): \(String(cString: strerror(errno)))")
        }
        defer { close(logFD) }

        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        self.environment = env
        guard let path = ToolRunner.resolve(executable, environment: env) else {
            throw ServerProcessError.spawnFailed(executable: executable, message: "not found on PATH")
        }
        // Spawned under the registry's lock, so an interrupt either sees the process or refuses it.
        let name = containerName
        var outcome: Result<pid_t, ProcessSpawn.SpawnError> = .failure(.init(code: EINVAL))
        let spawn = { () -> (Int32, ServerProcessRegistry.Entry?) in
            outcome = ProcessSpawn.spawn(path: path, argv: [executable] + arguments, environment: env, stdin: .devNull,
                                         stdout: .descriptor(logFD), stderr: .descriptor(logFD),
                                         defaultSignals: [SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD])
            switch outcome {
            case let .success(child): return (0, ServerProcessRegistry.Entry(pid: child, containerName: name, environment: env))
            case let .failure(error): return (error.code, nil)
            }
        }
        if let registry {
            guard registry.spawn(spawn) != nil else { throw ServerProcessError.interrupted(executable: executable) }
        } else {
            _ = spawn()
        }
        let child: pid_t
        switch outcome {
        case let .success(spawned): child = spawned
        case let .failure(error): throw ServerProcessError.spawnFailed(executable: executable, message: error.message)
        }
        pid = child
        registry?.attach(self)
    }

    /// The `--name` of `docker run ... --name NAME ... IMAGE`, when this is one.
    static func containerName(executable: String, arguments: [String]) -> String? {
        guard URL(fileURLWithPath: executable).lastPathComponent == "docker", arguments.first == "run" else { return nil }
        for index in arguments.indices.dropFirst() where arguments[index] == "--name" && index + 1 < arguments.endIndex {
            return arguments[index + 1]
        }
        return arguments.first { $0.hasPrefix("--name=") }.map { String($0.dropFirst("--name=".count)) }
    }

    /// A process nobody stopped does not outlive its handle: its group is killed and it is reaped.
    deinit {
        if exitCode == nil {
            ProcessTable.signal(ProcessTable.strays(of: [pid]), SIGKILL)
            _ = kill(-pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
        }
        registry?.remove(pid)
    }

    /// The exit status (or 128 + signal) once the process has ended; nil while it runs.
    public var exitCode: Int32? {
        lock.withLock {
            if exitStatus == nil { reapLocked(blocking: false) }
            return exitStatus
        }
    }

    public var isRunning: Bool { exitCode == nil }

    /// SIGTERM to the process group, up to `grace` seconds to exit, then SIGKILL; waits until reaped.
    /// Descendants that left the group (`setsid`) get the same signals. Returns true when SIGKILL
    /// was needed.
    @discardableResult
    public func stop(grace: Double = 10) -> Bool {
        guard isRunning else { return false }
        let strays = ProcessTable.strays(of: [pid])
        _ = kill(-pid, SIGTERM)
        ProcessTable.signal(strays, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while Date() < deadline {
            if !isRunning {
                killGroup()
                ProcessTable.signal(strays, SIGKILL)
                return false
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        killGroup()
        ProcessTable.signal(strays, SIGKILL)
        lock.withLock { if exitStatus == nil { reapLocked(blocking: true) } }
        return true
    }

    /// SIGKILL to everything left in the group (children the server started).
    private func killGroup() { _ = kill(-pid, SIGKILL) }

    private func reapLocked(blocking: Bool) {
        var status: Int32 = 0
        let result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
        guard result == pid else {
            if result < 0, errno == ECHILD { exitStatus = exitStatus ?? -1 }
            return
        }
        let signal = status & 0x7f
        exitStatus = signal == 0 ? (status >> 8) & 0xff : 128 + signal
        registry?.remove(pid)
    }

    /// The last `lines` lines of the log, for error messages.
    public func logTail(lines: Int = 30) -> String {
        Self.tail(of: logURL, lines: lines)
    }

    static func tail(of url: URL, lines: Int) -> String {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return "" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let start = size > 65_536 ? size - 65_536 : 0
        try? handle.seek(toOffset: start)
        let data = (try? handle.readToEnd()) ?? Data()
        let text = String(decoding: data, as: UTF8.self)
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines + 1)
            .joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
