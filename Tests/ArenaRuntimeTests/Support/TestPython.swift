import Foundation

/// The one way the tests run their Python peers (numpy, tokenizers, lm-eval, pyarrow,
/// huggingface_hub): the interpreter of the virtual environment `scripts/test.sh` prepares and
/// exports as `ARENA_TEST_PYTHON`. A missing interpreter fails the test, it never skips it.
enum TestPython {
    struct Missing: Error, CustomStringConvertible {
        var description: String {
            "ARENA_TEST_PYTHON is not set to a python executable: run the tests through scripts/test.sh, which builds .venv-test from Tests/requirements.txt"
        }
    }

    struct Failed: Error, CustomStringConvertible {
        let command: String
        let status: Int32
        let stderr: String
        var description: String { "python \(command) exited with \(status): \(stderr.suffix(4000))" }
    }

    struct Output {
        var status: Int32
        var stdout: Data
        var stderr: Data
    }

    static func executable() throws -> String {
        guard let path = ProcessInfo.processInfo.environment["ARENA_TEST_PYTHON"], !path.isEmpty,
              FileManager.default.isExecutableFile(atPath: path) else { throw Missing() }
        return path
    }

    /// Runs `python arguments...`, feeding `input`, with this process's environment plus `adding`
    /// (or exactly `replacing`, plus PATH). Standard output and error are read side by side, so a
    /// chatty peer cannot fill a pipe and stall.
    static func run(_ arguments: [String], input: Data = Data(), adding: [String: String] = [:],
                    replacing: [String: String]? = nil) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try executable())
        process.arguments = arguments
        var environment = replacing ?? ProcessInfo.processInfo.environment
        if replacing != nil { environment["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin" }
        for (key, value) in adding { environment[key] = value }
        process.environment = environment
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let errors = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errors.set(stderr.fileHandleForReading.readDataToEndOfFile())
            group.leave()
        }
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: output, stderr: errors.get())
    }

    /// Standard output of `python arguments...`; a non-zero exit throws with its standard error.
    @discardableResult
    static func output(_ arguments: [String], input: Data = Data(), adding: [String: String] = [:]) throws -> Data {
        let result = try run(arguments, input: input, adding: adding)
        guard result.status == 0 else {
            let shown = arguments.first == "-c" ? "-c <script> " + arguments.dropFirst(2).joined(separator: " ") : arguments.joined(separator: " ")
            throw Failed(command: shown, status: result.status, stderr: String(decoding: result.stderr, as: UTF8.self))
        }
        return result.stdout
    }

    /// `run` on a dispatch thread, so that loopback servers of the same test keep the cooperative pool.
    static func runOffPool(_ arguments: [String], input: Data = Data(), adding: [String: String] = [:],
                           replacing: [String: String]? = nil) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try run(arguments, input: input, adding: adding, replacing: replacing) })
            }
        }
    }

    private final class DataBox: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        func set(_ value: Data) { lock.withLock { data = value } }
        func get() -> Data { lock.withLock { data } }
    }
}
