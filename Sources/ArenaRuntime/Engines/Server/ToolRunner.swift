import Foundation

/// Runs short-lived tools (`nvidia-smi`, `docker stop`) and captures their output.
public enum ToolRunner {
    public struct Outcome: Sendable {
        public var status: Int32
        public var output: String
        public var timedOut: Bool
    }

    /// The absolute path of `name` on the PATH of `environment`, or `name` itself when it has a slash.
    public static func resolve(_ name: String, environment: [String: String]) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `name args` with stdout and stderr captured together; kills it after `timeout` seconds.
    /// Returns nil when the tool is not on PATH or cannot start.
    public static func run(_ name: String, _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
                           timeout: Double = 30) -> Outcome? {
        guard let executable = resolve(name, environment: environment) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let killed = CancellationFlag()
        let pid = process.processIdentifier
        let timer = DispatchWorkItem {
            killed.set()
            // SIGKILL: the child may have inherited a mask that blocks SIGTERM.
            kill(pid, SIGKILL)
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        timer.cancel()
        return Outcome(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self), timedOut: killed.isSet)
    }

    /// The tool's output when it exits with status 0.
    public static func output(_ name: String, _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
                              timeout: Double = 15) -> String? {
        guard let outcome = run(name, arguments, environment: environment, timeout: timeout), outcome.status == 0, !outcome.timedOut else { return nil }
        return outcome.output
    }
}
