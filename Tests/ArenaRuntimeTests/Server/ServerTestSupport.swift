import Foundation
import Testing
@testable import ArenaRuntime

/// Paths and helpers shared by the server-area tests.
enum ServerFixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/server")
    static let serverScript = directory.appendingPathComponent("fake_openai_server.py")
    static let binDirectory = directory.appendingPathComponent("bin")

    /// The test virtual environment's python (scripts/test.sh exports it). Fails the test when missing.
    static func python() throws -> String {
        guard let python = ProcessInfo.processInfo.environment["ARENA_TEST_PYTHON"], !python.isEmpty,
              FileManager.default.isExecutableFile(atPath: python) else {
            Issue.record("ARENA_TEST_PYTHON is not set to a python executable; run the tests through scripts/test.sh")
            throw FixtureError("ARENA_TEST_PYTHON missing")
        }
        return python
    }

    /// A TCP port that was free a moment ago on 127.0.0.1.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FixtureError("socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw FixtureError("bind failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func temporaryDirectory(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("arena-server-tests-\(name)-\(UInt64.random(in: 0 ... .max))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// True while a process with this id exists (and is not a zombie of ours).
    static func isAlive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        let status = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        return !status.contains(") Z ")
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The fake OpenAI-compatible server run directly (no lifecycle code under test), for client tests.
final class FakeServer {
    let port: Int
    let process: Process
    let model: String
    var baseURL: String { "http://127.0.0.1:\(port)" }

    init(model: String = "fake/model", environment: [String: String] = [:]) throws {
        let python = try ServerFixtures.python()
        port = try ServerFixtures.freePort()
        self.model = model
        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [ServerFixtures.serverScript.path, "--port", String(port), "--model", model]
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.standardError = FileHandle.nullDevice
        try process.run()
        let client = HTTPClient(retry: .none, connectTimeout: 1)
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let response = try? client.send(HTTPRequest(url: baseURL + "/health", timeout: 1)), response.status == 200 { return }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        stop()
        throw FixtureError("fake server did not become healthy on port \(port)")
    }

    func stop() {
        // Foundation's Process hands its child the spawning thread's blocked-signal mask, in which
        // SIGTERM may be blocked; SIGKILL always ends it.
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}
