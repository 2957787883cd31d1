import Foundation

/// The Python of the virtual environment `scripts/fetch-llama-cpp.sh` builds with llama.cpp's
/// binding (llama-cpp-python): `ARENA_LLAMA_PYTHON`, else `<ARENA_TEST_TOOLS or
/// ~/.cache/arena-test>/llama-venv/bin/python`. A missing one fails the test with the command
/// that builds it; it never skips.
enum LlamaPython {
    struct Missing: Error, CustomStringConvertible {
        let path: String
        var description: String {
            "\(path) is missing: run `bash scripts/fetch-llama-cpp.sh` (it builds llama-cpp-python into ~/.cache/arena-test/llama-venv), or set ARENA_LLAMA_PYTHON"
        }
    }

    static func executable() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        let path: String
        if let custom = environment["ARENA_LLAMA_PYTHON"], !custom.isEmpty {
            path = custom
        } else {
            let root = environment["ARENA_TEST_TOOLS"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
                ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/arena-test")
            let venv = root.appendingPathComponent("llama-venv")
            // The stamp is written last: a venv without it is a build that was cut off.
            guard FileManager.default.fileExists(atPath: venv.appendingPathComponent(".llama-cpp-python").path) else {
                throw Missing(path: venv.appendingPathComponent(".llama-cpp-python").path)
            }
            path = venv.appendingPathComponent("bin/python").path
        }
        guard FileManager.default.isExecutableFile(atPath: path) else { throw Missing(path: path) }
        return path
    }

    /// Runs `script` with `input` on standard input; returns standard output. A non-zero exit throws
    /// with its standard error.
    static func run(script: URL, input: Data) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try executable())
        process.arguments = [script.path]
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let errors = ErrorBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errors.set(stderr.fileHandleForReading.readDataToEndOfFile())
            group.leave()
        }
        let writer = DispatchQueue(label: "llama-python-stdin")
        writer.async {
            stdin.fileHandleForWriting.write(input)
            try? stdin.fileHandleForWriting.close()
        }
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestPython.Failed(command: script.lastPathComponent, status: process.terminationStatus, stderr: String(decoding: errors.get(), as: UTF8.self))
        }
        return output
    }

    private final class ErrorBox: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        func set(_ value: Data) { lock.withLock { data = value } }
        func get() -> Data { lock.withLock { data } }
    }
}
