import FlyingFox
import FlyingSocks
import Foundation

/// One request as the loopback server saw it. Header names are lower case.
struct RecordedRequest: Sendable {
    var method: String
    var path: String
    /// The path exactly as sent, percent-encoding kept.
    var rawPath: String
    var query: [String: String]
    var headers: [String: String]
}

/// What the loopback server answers.
struct StubResponse: Sendable {
    var status: Int
    var headers: [String: String] = [:]
    var body: Data = Data()

    static func json(_ status: Int, _ text: String, headers: [String: String] = [:]) -> StubResponse {
        StubResponse(status: status, headers: headers.merging(["Content-Type": "application/json"]) { a, _ in a }, body: Data(text.utf8))
    }
}

/// A FlyingFox HTTP server on 127.0.0.1 at a port the OS picks, answering every request through a
/// closure and recording what it was sent. `stop()` shuts it down.
final class LoopbackServer: Sendable {
    let baseURL: String
    private let server: HTTPServer
    private let task: Task<Void, any Error>
    private let recorder: Recorder

    private actor Recorder {
        var requests: [RecordedRequest] = []
        func add(_ r: RecordedRequest) { requests.append(r) }
    }

    private struct Handler: HTTPHandler {
        let recorder: Recorder
        let respond: @Sendable (RecordedRequest, Int) async -> StubResponse

        func handleRequest(_ request: FlyingFox.HTTPRequest) async throws -> FlyingFox.HTTPResponse {
            var headers: [String: String] = [:]
            for (key, value) in request.headers { headers[key.rawValue.lowercased()] = value }
            var query: [String: String] = [:]
            for item in request.query { query[item.name] = item.value }
            let recorded = RecordedRequest(method: request.method.rawValue, path: request.path,
                                           rawPath: request.target.path(percentEncoded: true), query: query, headers: headers)
            await recorder.add(recorded)
            let index = await recorder.requests.count
            let stub = await respond(recorded, index)
            var out = HTTPHeaders()
            for (k, v) in stub.headers.sorted(by: { $0.key < $1.key }) { out[HTTPHeader(k)] = v }
            let body = request.method == .HEAD ? Data() : stub.body
            if request.method == .HEAD { out[.contentLength] = String(stub.body.count) }
            return FlyingFox.HTTPResponse(statusCode: HTTPStatusCode(stub.status, phrase: "Stub"), headers: out, body: body)
        }
    }

    /// `respond` gets each request and its 1-based number among all requests so far.
    static func start(_ respond: @escaping @Sendable (RecordedRequest, Int) async -> StubResponse) async throws -> LoopbackServer {
        let recorder = Recorder()
        let server = HTTPServer(address: try .inet(ip4: "127.0.0.1", port: 0), timeout: 5, logger: DisabledLogger.disabled,
                                handler: Handler(recorder: recorder, respond: respond))
        let task = Task { try await server.run() }
        try await server.waitUntilListening(timeout: 10)
        guard case let .ip4(_, port)? = await server.listeningAddress else {
            task.cancel()
            throw CocoaError(.coderInvalidValue, userInfo: [NSLocalizedDescriptionKey: "loopback server has no IPv4 address"])
        }
        return LoopbackServer(baseURL: "http://127.0.0.1:\(port)", server: server, task: task, recorder: recorder)
    }

    private init(baseURL: String, server: HTTPServer, task: Task<Void, any Error>, recorder: Recorder) {
        self.baseURL = baseURL
        self.server = server
        self.task = task
        self.recorder = recorder
    }

    var requests: [RecordedRequest] { get async { await recorder.requests } }

    func stop() async {
        await server.stop(timeout: 1)
        task.cancel()
    }
}

/// Reads `Tests/Fixtures/lock/<name>`.
func lockFixture(_ name: String) throws -> String {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/lock/\(name)")
    return try String(contentsOf: url, encoding: .utf8)
}
