import Foundation
import Testing
@testable import ArenaRuntime

@Suite struct RetryPolicyTests {
    /// The waits a policy makes until it gives up.
    func waits(_ policy: RetryPolicy, retryAfter: String? = nil) -> [Double] {
        var waits: [Double] = []
        var attempt = 1
        while let wait = policy.wait(afterAttempt: attempt, waited: waits.reduce(0, +), retryAfter: retryAfter), waits.count < 1000 {
            waits.append(wait)
            attempt += 1
        }
        return waits
    }

    @Test func serverWaitsDoubleUpToEightSecondsAndStopAtSixtySecondsInAll() {
        let server = waits(.server)
        #expect(Array(server.prefix(6)) == [0.5, 1, 2, 4, 8, 8])
        #expect(server.reduce(0, +) == 60)
        // The last wait is cut to what is left of the budget.
        #expect(server.last == 4.5)
        // The same every time: no jitter.
        #expect(waits(.server) == server)
        // A 30 s outage is waited for: the attempts reach past it.
        #expect(server.reduce(0, +) > 30)
    }

    @Test func retryAfterTakesThePlaceOfTheComputedWait() {
        #expect(RetryPolicy.server.wait(afterAttempt: 1, retryAfter: "7") == 7)
        // Within what is left of the budget.
        #expect(RetryPolicy.server.wait(afterAttempt: 3, waited: 55, retryAfter: "20") == 5)
        #expect(RetryPolicy.server.wait(afterAttempt: 3, waited: 60, retryAfter: "1") == nil)
        // Without a budget it is bounded like the other waits.
        #expect(RetryPolicy(maxAttempts: 3, baseDelay: 0.1, maxDelay: 2).wait(afterAttempt: 1, retryAfter: "30") == 2)
        // An HTTP date.
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(RetryPolicy.retryAfterSeconds("Fri, 15 Jan 2027 08:00:09 GMT", now: now) == 9)
        #expect(RetryPolicy.retryAfterSeconds("soon", now: now) == nil)
    }

    @Test func attemptsBoundAPolicyWithoutABudget() {
        #expect(waits(RetryPolicy(maxAttempts: 4, baseDelay: 0.25, maxDelay: 8)) == [0.25, 0.5, 1])
        #expect(waits(.none).isEmpty)
    }

    @Test func theBudgetComesFromTheEnvironmentWhenSet() throws {
        #expect(try ServerRetryBudget.apply(to: .server, environment: [:]) == .server)
        #expect(try ServerRetryBudget.apply(to: .server, environment: ["ARENA_RETRY_BUDGET": "120"]).budget == 120)
        #expect(throws: ServerRetryBudgetError(value: "a minute")) {
            try ServerRetryBudget.apply(to: .server, environment: ["ARENA_RETRY_BUDGET": "a minute"])
        }
    }
}

@Suite(.serialized) struct ServerOutageTests {
    private func request(_ server: FakeServer, _ prompt: String) -> HTTPRequest {
        let body = JSONValue.object(["model": .string(server.model), "prompt": .string(prompt), "max_tokens": .int(4)])
        return HTTPRequest(method: "POST", url: server.baseURL + "/v1/completions",
                           headers: ["Content-Type": "application/json"], body: body.serializedData(indent: nil), timeout: 10)
    }

    /// 503 for 1.2 s: requests back off (0.05, 0.1, 0.2, 0.4, 0.4, ... s) within a 3 s budget and
    /// all succeed; each retry is logged with the status, the attempt and the wait.
    @Test func anOutageShorterThanTheBudgetIsWaitedForAndEveryRetryIsLogged() throws {
        let server = try FakeServer(environment: ["FAKE_UNAVAILABLE_SECONDS": "1.2"])
        let logged = LogLines()
        let client = CurlMultiClient(maxInFlight: 2, retry: RetryPolicy(maxAttempts: .max, baseDelay: 0.05, maxDelay: 0.4, budget: 3),
                                     log: logged.append)
        let results = client.sendAll((0..<3).map { request(server, "p\($0)") })
        for result in results { #expect(throws: Never.self) { try result.get() } }
        let lines = logged.lines
        #expect(lines.count >= 6)
        #expect(lines.allSatisfy { $0.contains("HTTP 503") && $0.contains("server restarting") && $0.contains("of 3.00 s") })
        #expect(lines.contains { $0.contains("attempt 1 failed, retrying in 0.05 s (waited 0.00 of 3.00 s)") })
        #expect(lines.contains { $0.contains("attempt 2 failed, retrying in 0.10 s (waited 0.05 of 3.00 s)") })
    }

    @Test func anOutageLongerThanTheBudgetFailsSayingHowLongItWaited() throws {
        let server = try FakeServer(environment: ["FAKE_UNAVAILABLE_SECONDS": "30"])
        let logged = LogLines()
        let client = CurlMultiClient(retry: RetryPolicy(maxAttempts: .max, baseDelay: 0.05, maxDelay: 0.2, budget: 0.5), log: logged.append)
        let result = client.sendAll([request(server, "x")])[0]
        guard case let .failure(.status(_, code, message)) = result else {
            Issue.record("expected a 503 failure, got \(result)")
            return
        }
        #expect(code == 503)
        #expect(message.contains("server restarting"))
        #expect(message.contains("gave up after \(logged.lines.count + 1) attempts and 0.50 s of waiting; retry budget 0.50 s"), "\(message)")
    }

    @Test func retryAfterFromTheServerIsHonoured() throws {
        let server = try FakeServer(environment: ["FAKE_UNAVAILABLE_SECONDS": "0.3", "FAKE_RETRY_AFTER": "1"])
        let logged = LogLines()
        let client = CurlMultiClient(retry: RetryPolicy(maxAttempts: .max, baseDelay: 0.01, maxDelay: 0.05, budget: 5), log: logged.append)
        let started = Date()
        #expect(throws: Never.self) { try client.sendAll([request(server, "x")])[0].get() }
        #expect(Date().timeIntervalSince(started) >= 1)
        #expect(logged.lines.first?.contains("retrying in 1.00 s") == true, "\(logged.lines)")
    }
}

@Suite(.serialized) struct InFlightLimitTests {
    private func stats(_ server: FakeServer) throws -> JSONValue {
        try CurlMultiClient().sendAll([HTTPRequest(url: server.baseURL + "/stats")])[0].get().json()
    }

    /// Two calls at once on one client (tokenize and completions, as two tasks might): together they
    /// never have more than the client's limit in flight.
    @Test func concurrentCallsOnOneClientShareItsLimit() async throws {
        let server = try FakeServer(environment: ["FAKE_LATENCY_MS": "40", "FAKE_TOKENIZE_LATENCY_MS": "40"])
        let client = CurlMultiClient(maxInFlight: 3, retry: .none)
        func post(_ path: String, _ body: JSONValue) -> HTTPRequest {
            HTTPRequest(method: "POST", url: server.baseURL + path, headers: ["Content-Type": "application/json"],
                        body: body.serializedData(indent: nil), timeout: 10)
        }
        let tokenize = (0..<12).map { post("/tokenize", .object(["prompt": .string("text \($0)")])) }
        let complete = (0..<12).map { post("/v1/completions", .object(["model": .string(server.model), "prompt": .string("p\($0)")])) }
        async let a = client.sendAll(tokenize)
        async let b = client.sendAll(complete)
        let (first, second) = await (a, b)
        #expect((first + second).allSatisfy { (try? $0.get()) != nil })
        let peak = try #require(try stats(server)["max_in_flight_posts"]?.intValue)
        #expect(peak <= 3 && peak >= 2, "peak \(peak)")
        #expect(client.peakInFlight == peak || client.peakInFlight <= 3)
    }

    /// `endpoint(concurrency: 4)` in an experiment: /tokenize and completions requests of the run
    /// never have more than 4 in flight at the server.
    @Test func anEndpointsConcurrencyBoundsEveryRequestOfARun() async throws {
        let server = try FakeServer(environment: ["FAKE_LATENCY_MS": "30", "FAKE_TOKENIZE_LATENCY_MS": "30"])
        let root = try EndpointRunTests.makeRepository(experiment: """
            experiment "concurrency"
            let tiny = model("../models/tiny-llama", served_name: "\(server.model)")
            let engine = endpoint(url: "\(server.baseURL)", concurrency: 4, batch_size: 1)
            let science = dataset(test: "data/science_qa_test.jsonl", train: "data/science_qa_train.jsonl")
            let math = dataset(test: "data/word_math_test.jsonl", train: "data/word_math_train.jsonl")
            evaluate(tiny, on: [arc_easy(dataset: science), gsm8k(dataset: math, fewshot: 0, limit: 6)], with: engine)
            """)
        _ = try await EndpointRunTests.run(root, cacheRoot: nil)
        let stats = try stats(server)
        let peak = try #require(stats["max_in_flight_posts"]?.intValue)
        #expect(peak <= 4 && peak >= 2, "peak \(peak)")
        #expect((stats["requests"]?.intValue ?? 0) > 8)
    }
}
