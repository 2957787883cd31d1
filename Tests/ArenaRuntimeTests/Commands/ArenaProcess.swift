import Foundation
import Testing
@testable import ArenaRuntime

/// The arena-script executable run as a user runs it: arguments, a working folder, an environment;
/// its exit status and what it printed. Waits without blocking a thread of the cooperative pool,
/// so loopback servers in the same test keep answering.
struct ArenaProcess {
    struct Result: CustomStringConvertible {
        var status: Int32
        var stdout: String
        var stderr: String
        var description: String { "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
    }

    /// The environment every run starts from: the test process's, without tokens, offline switches
    /// or a registry mirror, with HOME and the caches in `scratch`.
    static func environment(scratch: URL) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        for name in ["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_TOKEN_PATH", "HF_HOME", "XDG_CACHE_HOME", "HF_ENDPOINT",
                     "ARENA_OFFLINE", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "ARENA_REGISTRY_MIRROR", "ARENA_REGISTRY_AUTH"] {
            env[name] = nil
        }
        env["HOME"] = scratch.path
        env["ARENA_CACHE_DIR"] = scratch.appendingPathComponent("cache").path
        return env
    }

    static func run(_ arguments: [String], in directory: URL, environment: [String: String], timeout: Double = 300) async throws -> Result {
        let binary = try ResumeAfterKillTests.arenaScript()
        let outputs = FileManager.default.temporaryDirectory.appendingPathComponent("arena-process-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: outputs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: outputs) }
        let outURL = outputs.appendingPathComponent("out"), errURL = outputs.appendingPathComponent("err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                Issue.record("arena-script \(arguments.joined(separator: " ")) ran past \(timeout) s")
                break
            }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        process.waitUntilExit()
        try out.close()
        try err.close()
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return Result(status: status, stdout: try String(contentsOf: outURL, encoding: .utf8), stderr: try String(contentsOf: errURL, encoding: .utf8))
    }
}
