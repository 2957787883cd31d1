import Foundation

/// How many requests a batch answered from the cache and how many it sent.
public struct RequestCounts: Sendable, Equatable {
    public var cached: Int
    public var sent: Int
    public init(cached: Int = 0, sent: Int = 0) {
        self.cached = cached
        self.sent = sent
    }
}

public enum ServerRequestError: Error, CustomStringConvertible {
    /// Some requests of a batch failed; those that succeeded are in the cache.
    case failed(endpoint: String, failures: Int, total: Int, first: String)
    /// The request cache holds an answer that fails the checks every answer passes before it is
    /// stored (one written by an earlier version that stored answers unchecked).
    case invalidCachedResponse(endpoint: String, cache: String, model: String, detail: String)

    public var description: String {
        switch self {
        case let .failed(endpoint, failures, total, first):
            return "\(failures) of \(total) requests to \(endpoint) failed; first failure: \(first)"
        case let .invalidCachedResponse(endpoint, cache, model, detail):
            return "the request cache \(cache) holds an answer to a request to \(endpoint) that fails validation (\(detail)); "
                + "it was stored by an earlier arena-script that cached answers before checking them. Clear it with "
                + "`arena-script cache clear --model '\(model)'` (or delete that folder), or run with --no-cache"
        }
    }
}

/// JSON requests to an OpenAI-compatible server (vLLM, SGLang, any endpoint) through the multi
/// client, answered from the request cache where possible. Every successful response is stored as
/// soon as it arrives, so an interrupted batch keeps what it finished.
public final class OpenAIServerClient: Sendable {
    public let baseURL: String
    public let multi: CurlMultiClient
    public let cache: RequestCache?
    /// Deadline of one request, seconds.
    public let requestTimeout: Double
    private let headers: [String: String]
    private let counter = CountBox()

    /// `apiKeyVariable`: the NAME of an environment variable holding a bearer token (never the token).
    public init(baseURL: String, multi: CurlMultiClient = CurlMultiClient(), cache: RequestCache? = nil,
                requestTimeout: Double = 600, apiKeyVariable: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.multi = multi
        self.cache = cache
        self.requestTimeout = requestTimeout
        var headers = ["Content-Type": "application/json"]
        if let apiKeyVariable, let token = environment[apiKeyVariable], !token.isEmpty {
            headers["Authorization"] = "Bearer \(token)"
        }
        self.headers = headers
    }

    /// Totals over this client's life.
    public var counts: RequestCounts { counter.value }

    /// POSTs each body to `path` (`/v1/completions`, `/tokenize`...) and returns the parsed responses
    /// in order. Throws after every request has finished if any failed, naming the first failure.
    /// `progress` receives the number of requests finished so far (cached ones first).
    public func post(_ path: String, bodies: [JSONValue], cacheable: Bool = true,
                     progress: (@Sendable (Int) -> Void)? = nil) async throws -> [JSONValue] {
        try await post(path, bodies: bodies, cacheable: cacheable, progress: progress) { try JSONValue.parse($0) }
    }

    /// `post` with the response bytes read by `decode`, the same for every request.
    public func post<Answer: Sendable>(_ path: String, bodies: [JSONValue], cacheable: Bool = true,
                                       progress: (@Sendable (Int) -> Void)? = nil,
                                       decode: @escaping @Sendable (Data) throws -> Answer) async throws -> [Answer] {
        try await post(path, bodies: bodies, cacheable: cacheable, progress: progress, validate: { _, data in try decode(data) })
    }

    /// `post` with each response checked and read by `validate(index of its body, bytes)` (on the
    /// transfer thread, as each response arrives, and for cached responses). Only a response
    /// `validate` accepts is cached; one it rejects fails the request with what was wrong. A
    /// cached response it rejects stops the call with an error naming the cache and how to clear it.
    public func post<Answer: Sendable>(_ path: String, bodies: [JSONValue], cacheable: Bool = true,
                                       progress: (@Sendable (Int) -> Void)? = nil,
                                       validate: @escaping @Sendable (_ index: Int, _ response: Data) throws -> Answer) async throws -> [Answer] {
        let cache = cacheable ? self.cache : nil
        let keys = cache.map { cache in bodies.map { cache.key(endpoint: path, body: $0) } }
        var results = [Answer?](repeating: nil, count: bodies.count)
        var missing: [Int] = []
        for i in bodies.indices {
            guard let keys, let cache, let data = cache.lookup(keys[i]) else {
                missing.append(i)
                continue
            }
            do { results[i] = try validate(i, data) } catch {
                throw ServerRequestError.invalidCachedResponse(endpoint: HTTPClient.redact(baseURL + path), cache: cache.directory.path,
                                                               model: cache.scope.model, detail: Self.describe(error, data))
            }
        }
        let cachedCount = bodies.count - missing.count
        counter.add(RequestCounts(cached: cachedCount, sent: missing.count))
        progress?(cachedCount)
        guard !missing.isEmpty else { return results.compactMap { $0 } }

        let url = baseURL + path
        let sentIndices = missing
        let requests = missing.map { i in
            HTTPRequest(method: "POST", url: url, headers: headers, body: bodies[i].serializedData(indent: nil), timeout: requestTimeout)
        }
        let outcome = BatchOutcome<Answer>(count: requests.count)
        let storeErrors = LockedList()
        _ = await multi.sendAll(requests) { position, result in
            let parsed: Result<Answer, HTTPError>
            switch result {
            case let .success(response):
                do {
                    let answer = try validate(sentIndices[position], response.body)
                    if let cache, let keys {
                        do { try cache.store(keys[sentIndices[position]], response: response.body) } catch {
                            storeErrors.append("\(error)")
                        }
                    }
                    parsed = .success(answer)
                } catch let error as HTTPError {
                    parsed = .failure(error)
                } catch {
                    parsed = .failure(.malformedBody(url: HTTPClient.redact(url), message: Self.describe(error, response.body)))
                }
            case let .failure(error):
                parsed = .failure(error)
            }
            outcome.set(position, parsed)
            progress?(cachedCount + outcome.finished)
        }
        try? cache?.sync()
        var failures: [String] = []
        for (position, i) in missing.enumerated() {
            switch outcome.result(position) {
            case let .success(answer)?: results[i] = answer
            case let .failure(error)?: failures.append(error.description)
            case nil: failures.append("\(url): no response")
            }
        }
        if let storeError = storeErrors.items.first { failures.append(storeError) }
        if let first = failures.first {
            throw ServerRequestError.failed(endpoint: url, failures: failures.count, total: bodies.count, first: first)
        }
        return results.compactMap { $0 }
    }

    /// What was wrong with a response: a JSON syntax error with the body's start, or the check that failed.
    static func describe(_ error: Error, _ body: Data) -> String {
        error is JSONParseError ? "response is not valid JSON: \(HTTPClient.excerpt(body))" : "\(error)"
    }

    /// GETs `path` and parses the JSON answer (not cached), with the server's error text on failure.
    public func get(_ path: String, timeout: Double = 10) async throws -> JSONValue {
        let results = await multi.sendAll([HTTPRequest(url: baseURL + path, headers: headers, timeout: timeout)])
        guard let result = results.first else { throw HTTPError.transport(url: baseURL + path, message: "no response") }
        return try result.get().json()
    }
}

/// Per-position results of one batch, written from the transfer thread.
final class BatchOutcome<Answer>: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<Answer, HTTPError>?]
    private var done = 0

    init(count: Int) { results = Array(repeating: nil, count: count) }

    var finished: Int { lock.withLock { done } }

    func set(_ position: Int, _ result: Result<Answer, HTTPError>) {
        lock.withLock {
            if results[position] == nil { done += 1 }
            results[position] = result
        }
    }

    func result(_ position: Int) -> Result<Answer, HTTPError>? { lock.withLock { results[position] } }
}

final class LockedList: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []
    var items: [String] { lock.withLock { storage } }
    func append(_ item: String) { lock.withLock { storage.append(item) } }
}

final class CountBox: @unchecked Sendable {
    private let lock = NSLock()
    private var counts = RequestCounts()
    var value: RequestCounts { lock.withLock { counts } }
    func add(_ more: RequestCounts) {
        lock.withLock {
            counts.cached += more.cached
            counts.sent += more.sent
        }
    }
}
