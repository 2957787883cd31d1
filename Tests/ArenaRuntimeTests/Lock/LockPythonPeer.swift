import Foundation
import Testing

/// Runs Python peers from the test virtual environment (`ARENA_TEST_PYTHON`, set by scripts/test.sh).
enum LockPythonPeer {
    struct Missing: Error, CustomStringConvertible {
        var description: String {
            "ARENA_TEST_PYTHON is not set: run the tests through scripts/test.sh, or point it at a python with Tests/requirements.txt installed"
        }
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func python() throws -> String {
        guard let path = ProcessInfo.processInfo.environment["ARENA_TEST_PYTHON"], !path.isEmpty else { throw Missing() }
        return path
    }

    /// Runs `python -c script args...` with exactly `environment` (plus PATH), waiting without blocking a thread of the pool.
    static func run(script: String, arguments: [String], environment: [String: String]) async throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try python())
        process.arguments = ["-c", script] + arguments
        var env = environment
        env["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        return Output(status: status,
                      stdout: String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
                      stderr: String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }
}
