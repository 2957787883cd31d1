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

/// A `RouteServer` answering every request through one closure and recording what it was sent.
final class LoopbackServer: Sendable {
    let baseURL: String
    private let server: RouteServer
    private let recorder: Recorder

    private actor Recorder {
        var requests: [RecordedRequest] = []
        func add(_ r: RecordedRequest) -> Int {
            requests.append(r)
            return requests.count
        }
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
            let index = await recorder.add(recorded)
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
        let server = try await RouteServer(handler: Handler(recorder: recorder, respond: respond), timeout: 5)
        return LoopbackServer(server: server, recorder: recorder)
    }

    private init(server: RouteServer, recorder: Recorder) {
        self.baseURL = server.baseURL
        self.server = server
        self.recorder = recorder
    }

    var requests: [RecordedRequest] { get async { await recorder.requests } }

    func stop() async { await server.stop() }
}

/// Reads `Tests/Fixtures/lock/<name>`.
func lockFixture(_ name: String) throws -> String {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/lock/\(name)")
    return try String(contentsOf: url, encoding: .utf8)
}
