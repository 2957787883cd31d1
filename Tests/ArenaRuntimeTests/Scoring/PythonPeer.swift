import Foundation
import Testing

/// The Python interpreter of the test environment (`ARENA_TEST_PYTHON`, set by scripts/test.sh),
/// used to print what CPython and lm-eval compute so the tests compare against them.
enum PythonPeer {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func interpreter() throws -> String {
        guard let path = ProcessInfo.processInfo.environment["ARENA_TEST_PYTHON"], !path.isEmpty else {
            throw Failure(description: "ARENA_TEST_PYTHON is not set: run the tests through scripts/test.sh, which builds .venv-test from Tests/requirements.txt")
        }
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw Failure(description: "ARENA_TEST_PYTHON=\(path) is not an executable")
        }
        return path
    }

    /// Runs `python -c script args...` and returns its standard output.
    static func run(_ script: String, arguments: [String] = [], environment: [String: String] = [:]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try interpreter())
        process.arguments = ["-c", script] + arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let errData = LockedData()
        let reader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errData.isSet { Thread.sleep(forTimeInterval: 0.01) }
        guard process.terminationStatus == 0 else {
            let stderr = String(decoding: errData.get(), as: UTF8.self)
            throw Failure(description: "python exited with \(process.terminationStatus): \(stderr.suffix(4000))")
        }
        return String(decoding: output, as: UTF8.self)
    }

    final class LockedData: @unchecked Sendable {
        private let lock = NSLock()
        private var data: Data?
        func set(_ value: Data) { lock.lock(); data = value; lock.unlock() }
        func get() -> Data { lock.lock(); defer { lock.unlock() }; return data ?? Data() }
        var isSet: Bool { lock.lock(); defer { lock.unlock() }; return data != nil }
    }
}

/// Paths of test fixtures and of the shared real data beside the repository.
enum ScoringPaths {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = repositoryRoot.appendingPathComponent("Tests/Fixtures")
    static let sharedData = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
}
