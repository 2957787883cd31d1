import Foundation
@testable import ArenaRuntime

/// Tests/Fixtures/scoring/stub_server.py running on a loopback port the test picked; it stops
/// itself at its deadline and is terminated when this value is released. With `maxModelLength` it
/// refuses longer requests with HTTP 400 as vLLM does; with `logFile` it logs every prompt sent.
final class StubServerProcess: @unchecked Sendable {
    let port: Int
    let maxModelLength: Int?
    let logFile: URL?
    private let process: Process

    var baseURL: String { "http://127.0.0.1:\(port)" }

    init(deadlineSeconds: Int = 1200, maxModelLength: Int? = nil, logFile: URL? = nil) throws {
        self.maxModelLength = maxModelLength
        self.logFile = logFile
        var options: [String] = []
        if maxModelLength != nil || logFile != nil { options.append(String(maxModelLength ?? 0)) }
        if let logFile { options.append(logFile.path) }
        let script = ScoringPaths.fixtures.appendingPathComponent("scoring/stub_server.py").path
        var lastError = ""
        for attempt in 0..<8 {
            let port = 20_000 + Int((UInt64(ProcessInfo.processInfo.processIdentifier) * 7919 + UInt64(attempt) * 104_729 + UInt64(Date().timeIntervalSince1970 * 1000)) % 40_000)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try PythonPeer.interpreter())
            process.arguments = [script, String(port), String(deadlineSeconds)] + options
            let out = Pipe()
            process.standardOutput = out
            process.standardError = Pipe()
            try process.run()
            let line = String(decoding: out.fileHandleForReading.availableDataUntilNewline(), as: UTF8.self)
            if line.hasPrefix("ready"), process.isRunning {
                self.port = port
                self.process = process
                return
            }
            process.terminate()
            process.waitUntilExit()
            lastError = "port \(port): stub did not start"
        }
        throw FixtureError("could not start the stub server: \(lastError)")
    }

    deinit {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// An engine over the stub whose model length is the stub's (lm-eval's default 2048 without one).
    func engine(batchSize: Int = 8, concurrency: Int = 4) -> OpenAICompletionsEngine {
        OpenAICompletionsEngine(
            configuration: .init(baseURL: baseURL, model: "stub", batchSize: batchSize, concurrency: concurrency,
                                 maxLength: maxModelLength ?? 2048),
            identity: EngineIdentity(kind: "endpoint", version: "stub", model: "stub")
        )
    }

    /// The prompts logged so far, one `{"echo", "max_tokens", "prompt"}` object each.
    func loggedPrompts() throws -> [JSONValue] {
        guard let logFile else { return [] }
        return try JSONLines.read(logFile.path)
    }
}

extension FileHandle {
    /// Reads until the first newline or end of file.
    func availableDataUntilNewline() -> Data {
        var data = Data()
        while true {
            let chunk = readData(ofLength: 1)
            if chunk.isEmpty || chunk == Data("\n".utf8) { return data }
            data.append(chunk)
        }
    }
}

/// Reads a JSON Lines file into rows.
enum JSONLines {
    static func read(_ path: String) throws -> [JSONValue] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n", omittingEmptySubsequences: true).map { try JSONValue.parse(String($0)) }
    }
}
