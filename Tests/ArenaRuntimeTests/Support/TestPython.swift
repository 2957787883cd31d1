import Foundation

/// Runs the Python peers the tests compare against, from the venv `scripts/test.sh` prepares.
enum TestPython {
    struct Missing: Error, CustomStringConvertible {
        var description: String { "ARENA_TEST_PYTHON is not set: run the tests through scripts/test.sh, which prepares .venv-test" }
    }

    struct Failed: Error, CustomStringConvertible {
        let status: Int32
        let stderr: String
        var description: String { "python exited with \(status): \(stderr)" }
    }

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    static func fixture(_ path: String) -> URL {
        repositoryRoot.appendingPathComponent("Tests/Fixtures").appendingPathComponent(path)
    }

    static func executable() throws -> String {
        guard let path = ProcessInfo.processInfo.environment["ARENA_TEST_PYTHON"], !path.isEmpty else { throw Missing() }
        return path
    }

    /// Runs `script` with `arguments`, feeding `input` on stdin; returns stdout.
    static func run(_ script: URL, arguments: [String] = [], input: Data = Data()) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try executable())
        process.arguments = [script.path] + arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failed(status: process.terminationStatus, stderr: String(decoding: err, as: UTF8.self))
        }
        return out
    }
}
