import FlyingFox
import FlyingSocks
import Foundation

/// A real HTTP server on 127.0.0.1 for tests, on a port the OS picks. It stops when `stop()` is
/// called or, at the latest, after `lifetime` seconds, so no test leaves a listener behind.
final class RouteServer: Sendable {
    let server: HTTPServer
    let port: UInt16
    private let runner: Task<Void, Never>

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// `routes`: route pattern (`"POST /v1/completions"`, `"GET /api/models/*"`) and handler.
    convenience init(routes: [(String, @Sendable (FlyingFox.HTTPRequest) async throws -> FlyingFox.HTTPResponse)], lifetime: Double = 120) async throws {
        var routed = RoutedHTTPHandler()
        for (pattern, handler) in routes { routed.appendRoute(HTTPRoute(stringLiteral: pattern), handler: handler) }
        try await self.init(handler: routed, lifetime: lifetime)
    }

    /// Every request to `handler`.
    init(handler: some HTTPHandler, lifetime: Double = 120, timeout: Double = 30) async throws {
        let server = HTTPServer(address: try sockaddr_in.inet(ip4: "127.0.0.1", port: 0), timeout: timeout, logger: .disabled, handler: handler)
        self.server = server
        let started = Task { try? await server.run() }
        try await server.waitUntilListening(timeout: 10)
        guard let address = await server.listeningAddress, case let .ip4(_, port) = address else {
            await server.stop()
            throw RouteServerError.noAddress
        }
        self.port = port
        self.runner = Task {
            try? await Task.sleep(nanoseconds: UInt64(lifetime * 1e9))
            await server.stop()
            started.cancel()
        }
    }

    func stop() async {
        runner.cancel()
        await server.stop()
    }

    static func json(_ value: Any, status: HTTPStatusCode = .ok, headers: [HTTPHeader: String] = [:]) -> FlyingFox.HTTPResponse {
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])) ?? Data()
        var all = HTTPHeaders()
        all[HTTPHeader("Content-Type")] = "application/json"
        for (k, v) in headers { all[k] = v }
        return FlyingFox.HTTPResponse(statusCode: status, headers: all, body: data)
    }
}

enum RouteServerError: Error { case noAddress }

/// Counts calls from concurrent handlers.
actor CallCounter {
    private(set) var counts: [String: Int] = [:]
    func record(_ key: String) { counts[key, default: 0] += 1 }
    func count(_ key: String) -> Int { counts[key] ?? 0 }
}
