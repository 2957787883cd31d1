import Foundation
import Testing
@testable import ArenaRuntime

@Suite(.serialized) struct CurlMultiClientTests {
    private func completionRequest(_ server: FakeServer, prompt: String, timeout: Double = 30) -> HTTPRequest {
        let body = JSONValue.object([
            "model": .string(server.model), "prompt": .string(prompt), "echo": .bool(true),
            "max_tokens": .int(0), "logprobs": .int(1),
        ])
        return HTTPRequest(method: "POST", url: server.baseURL + "/v1/completions",
                           headers: ["Content-Type": "application/json"], body: body.serializedData(indent: nil), timeout: timeout)
    }

    @Test func resultsComeBackInRequestOrderWithManyInFlight() throws {
        let server = try FakeServer(environment: ["FAKE_LATENCY_MS": "20"])
        let prompts = (0..<100).map { "prompt number \($0) " + String(repeating: "x", count: $0 % 7) }
        let client = CurlMultiClient(maxInFlight: 16)
        let results = client.sendAll(prompts.map { completionRequest(server, prompt: $0) })
        #expect(results.count == prompts.count)
        for (prompt, result) in zip(prompts, results) {
            let json = try result.get().json()
            // The echoed text is the prompt itself: order is preserved.
            #expect(json["choices"]?.arrayValue?.first?["text"]?.stringValue == prompt)
        }
        // The server saw several requests at once, never more than the limit.
        let stats = try CurlMultiClient().sendAll([HTTPRequest(url: server.baseURL + "/stats")])[0].get().json()
        let maxInFlight = try #require(stats["max_in_flight"]?.intValue)
        #expect(maxInFlight > 1 && maxInFlight <= 16, "max in flight \(maxInFlight)")
        #expect(stats["requests"]?.intValue == 100)
    }

    @Test func serverErrorsAreRetriedAndLogged() throws {
        let server = try FakeServer(environment: ["FAKE_FAIL_EVERY": "3"])
        let logged = LogLines()
        let client = CurlMultiClient(maxInFlight: 4, retry: RetryPolicy(maxAttempts: 4, baseDelay: 0.01, maxDelay: 0.05), log: logged.append)
        let results = client.sendAll((0..<12).map { completionRequest(server, prompt: "p\($0)") })
        for (i, result) in results.enumerated() {
            #expect(try result.get().json()["choices"]?.arrayValue?.first?["text"]?.stringValue == "p\(i)")
        }
        let lines = logged.lines
        #expect(!lines.isEmpty)
        #expect(lines.allSatisfy { $0.contains("HTTP 500") && $0.contains("engine overloaded") && $0.contains("retry") })
    }

    @Test func retriesAreBoundedAndTheFailureCarriesTheServerMessage() throws {
        let server = try FakeServer(environment: ["FAKE_ALWAYS_500": "1"])
        let logged = LogLines()
        let client = CurlMultiClient(maxInFlight: 2, retry: RetryPolicy(maxAttempts: 3, baseDelay: 0.01, maxDelay: 0.02), log: logged.append)
        let results = client.sendAll([completionRequest(server, prompt: "a"), completionRequest(server, prompt: "b")])
        for result in results {
            guard case let .failure(.status(_, code, message)) = result else {
                Issue.record("expected an HTTP status failure, got \(result)")
                continue
            }
            #expect(code == 500)
            #expect(message.contains("engine overloaded"))
        }
        // Two requests, two retries each.
        #expect(logged.lines.count == 4)
    }

    @Test func clientErrorsAreNotRetried() throws {
        let server = try FakeServer()
        let logged = LogLines()
        let client = CurlMultiClient(retry: RetryPolicy(maxAttempts: 4, baseDelay: 0.01), log: logged.append)
        let body = JSONValue.object(["model": .string("other/model"), "prompt": .string("x")])
        let request = HTTPRequest(method: "POST", url: server.baseURL + "/v1/completions", body: body.serializedData(indent: nil))
        let results = client.sendAll([request])
        guard case let .failure(.status(_, code, message)) = results[0] else {
            Issue.record("expected a 404 failure, got \(results[0])")
            return
        }
        #expect(code == 404)
        #expect(message.contains("other/model"))
        #expect(logged.lines.isEmpty)
    }

    @Test func connectionRefusedIsRetriedThenReported() throws {
        let port = try ServerFixtures.freePort()
        let logged = LogLines()
        let client = CurlMultiClient(retry: RetryPolicy(maxAttempts: 3, baseDelay: 0.01, maxDelay: 0.02), log: logged.append)
        let results = client.sendAll([HTTPRequest(url: "http://127.0.0.1:\(port)/health", timeout: 2)])
        guard case let .failure(.transport(_, message)) = results[0] else {
            Issue.record("expected a transport failure, got \(results[0])")
            return
        }
        #expect(message.lowercased().contains("connect"))
        #expect(logged.lines.count == 2)
    }

    @Test func aRequestPastItsDeadlineFailsWithoutHoldingUpTheOthers() throws {
        let server = try FakeServer(environment: ["FAKE_LATENCY_MS": "1500"])
        let client = CurlMultiClient(retry: .none)
        let started = Date()
        let results = client.sendAll([completionRequest(server, prompt: "slow", timeout: 0.3)])
        #expect(Date().timeIntervalSince(started) < 1.4)
        guard case let .failure(.transport(_, message)) = results[0] else {
            Issue.record("expected a deadline failure, got \(results[0])")
            return
        }
        #expect(message.contains("deadline"))
    }

    @Test func responseHeadersAreParsedWithLowerCaseNames() throws {
        let server = try FakeServer()
        let results = CurlMultiClient().sendAll([HTTPRequest(url: server.baseURL + "/v1/models")])
        let response = try results[0].get()
        #expect(response.headers["content-type"] == "application/json")
        #expect(response.headers["content-length"] == String(response.body.count))
    }

    @Test func completedIsCalledOncePerRequest() throws {
        let server = try FakeServer()
        let seen = LogLines()
        let client = CurlMultiClient(maxInFlight: 8)
        _ = client.sendAll((0..<30).map { completionRequest(server, prompt: "q\($0)") }) { index, result in
            if case .success = result { seen.append(String(index)) }
        }
        #expect(seen.lines.sorted() == (0..<30).map(String.init).sorted())
    }

    private func stats(_ server: FakeServer) throws -> JSONValue {
        try HTTPClient(retry: .none).send(HTTPRequest(url: server.baseURL + "/stats")).json()
    }

    @Test func largeBodiesAreSentWithoutExpectContinue() throws {
        // libcurl adds `Expect: 100-continue` (a round trip, or a second's wait) to bodies of 1 MiB or more.
        let server = try FakeServer()
        let padding = String(repeating: "p", count: 1_100_000)
        let body = JSONValue.object(["tokens": .array([.int(72), .int(105)]), "padding": .string(padding)])
        let request = HTTPRequest(method: "POST", url: server.baseURL + "/detokenize", headers: ["Content-Type": "application/json"],
                                  body: body.serializedData(indent: nil), timeout: 30)
        let results = CurlMultiClient(maxInFlight: 2).sendAll([request, request])
        for result in results {
            #expect(try result.get().json()["prompt"]?.stringValue == "Hi")
        }
        let counted = try stats(server)
        #expect(counted["connections"]?.intValue ?? 0 >= 1)
        #expect(counted["expect_headers"]?.intValue == 0)
    }

    @Test func connectionsAreKeptForTheNextBatch() throws {
        let server = try FakeServer()
        let client = CurlMultiClient(maxInFlight: 4)
        for batch in 0..<3 {
            let results = client.sendAll((0..<20).map { completionRequest(server, prompt: "b\(batch) p\($0)") })
            #expect(results.allSatisfy { (try? $0.get()) != nil })
        }
        // 60 requests, at most 4 at a time: at most 4 connections when each batch reuses the last one's.
        let connections = try #require(try stats(server)["connections"]?.intValue)
        #expect(connections >= 1 && connections <= 4, "\(connections) connections")
    }

    @Test func connectionsTheServerClosedWhileIdleAreReplacedWithoutErrors() throws {
        let server = try FakeServer(environment: ["FAKE_IDLE_TIMEOUT": "0.2"])
        let logged = LogLines()
        let client = CurlMultiClient(maxInFlight: 4, retry: RetryPolicy(maxAttempts: 3, baseDelay: 0.01), log: logged.append)
        let first = client.sendAll((0..<8).map { completionRequest(server, prompt: "first \($0)") })
        let connectionsBefore = try #require(try stats(server)["connections"]?.intValue)
        Thread.sleep(forTimeInterval: 0.6)
        let second = client.sendAll((0..<8).map { completionRequest(server, prompt: "second \($0)") })
        for (i, result) in (first + second).enumerated() {
            let prompt = i < 8 ? "first \(i)" : "second \(i - 8)"
            #expect(try result.get().json()["choices"]?.arrayValue?.first?["text"]?.stringValue == prompt)
        }
        #expect(logged.lines.isEmpty, "\(logged.lines)")
        // The second batch needed new connections: the server did close the idle ones.
        #expect(try stats(server)["connections"]?.intValue ?? 0 > connectionsBefore)
    }
}

/// Lines collected from a log callback that may run on another thread.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []
    var lines: [String] { lock.withLock { storage } }
    var append: @Sendable (String) -> Void { { [self] line in lock.withLock { storage.append(line) } } }
}
