import CCurl
import Foundation

public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [String: String]
    public var body: Data?
    /// Whole-transfer deadline in seconds.
    public var timeout: Double

    public init(method: String = "GET", url: String, headers: [String: String] = [:], body: Data? = nil, timeout: Double = 60) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

public struct HTTPResponse: Sendable {
    public let url: String
    public let status: Int
    /// Header names in lower case.
    public let headers: [String: String]
    public let body: Data

    public var text: String { String(decoding: body, as: UTF8.self) }

    public func json() throws -> JSONValue {
        do { return try JSONValue.parse(body) } catch {
            throw HTTPError.malformedBody(url: HTTPClient.redact(url), message: "response is not valid JSON: \(HTTPClient.excerpt(body))")
        }
    }

    /// Throws `HTTPError.status` (with the server's own message) unless the status is 2xx.
    @discardableResult
    public func requireSuccess() throws -> HTTPResponse {
        guard (200..<300).contains(status) else {
            throw HTTPError.status(url: HTTPClient.redact(url), code: status, message: HTTPClient.serverMessage(body))
        }
        return self
    }
}

public enum HTTPError: Error, CustomStringConvertible, Equatable {
    case transport(url: String, message: String)
    case status(url: String, code: Int, message: String)
    case malformedBody(url: String, message: String)

    public var description: String {
        switch self {
        case let .transport(url, message): return "\(url): \(message)"
        case let .status(url, code, message):
            return message.isEmpty ? "\(url): HTTP \(code)" : "\(url): HTTP \(code): \(message)"
        case let .malformedBody(url, message): return "\(url): \(message)"
        }
    }
}

/// Retries on connection errors, 429 and 5xx with exponential backoff: deterministic waits (no
/// jitter) of `baseDelay * 2^(n-1)` after the n-th failed attempt, at most `maxDelay` each, a
/// server's `Retry-After` (seconds or an HTTP date) taking the place of the computed wait. A request
/// gives up after `maxAttempts` attempts or, with a `budget`, once its waits add up to the budget
/// (the last wait is cut to what is left of it).
public struct RetryPolicy: Sendable, Equatable {
    public var maxAttempts: Int
    public var baseDelay: Double
    public var maxDelay: Double
    /// Most seconds one request spends waiting between its attempts; nil: only `maxAttempts` bounds.
    public var budget: Double?

    public init(maxAttempts: Int = 4, baseDelay: Double = 0.25, maxDelay: Double = 8, budget: Double? = nil) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.budget = budget
    }

    public static let none = RetryPolicy(maxAttempts: 1)

    /// Requests to inference servers: 0.5, 1, 2, 4, 8, 8, ... s, up to 60 s of waiting in all, so
    /// that a server that is unavailable for up to about a minute (a restart, a rolling update, a
    /// 20-30 s outage) is waited for.
    public static let server = RetryPolicy(maxAttempts: .max, baseDelay: 0.5, maxDelay: 8, budget: 60)

    /// A policy for servers with a `budget` of `seconds` (the waits of `server`).
    public static func server(budget seconds: Double) -> RetryPolicy {
        var policy = RetryPolicy.server
        policy.budget = seconds
        return policy
    }

    /// The wait before the next attempt after attempt number `attempt` (1-based) failed, when the
    /// request has already waited `waited` seconds; nil when the policy gives up.
    public func wait(afterAttempt attempt: Int, waited: Double = 0, retryAfter: String? = nil) -> Double? {
        guard attempt < maxAttempts else { return nil }
        let exponential = min(baseDelay * pow(2, Double(min(attempt, 62) - 1)), maxDelay)
        var wait = exponential
        if let retryAfter, let seconds = Self.retryAfterSeconds(retryAfter) {
            // Without a budget the server's wish is bounded like any other wait.
            wait = budget == nil ? min(seconds, maxDelay) : seconds
        }
        if let budget {
            let left = budget - waited
            guard left > 1e-9 else { return nil }
            wait = min(wait, left)
        }
        return max(0, wait)
    }

    /// `Retry-After` as seconds: a number of seconds or an HTTP date (RFC 9110), from now.
    static func retryAfterSeconds(_ value: String, now: Date = Date()) -> Double? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(text), seconds.isFinite { return max(0, seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        guard let date = formatter.date(from: text) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }

    static func isRetryable(status: Int) -> Bool { status == 429 || (500...599).contains(status) }

    /// How a retry is logged: what failed, which attempt, how long until the next one, and the budget.
    func describeRetry(_ reason: String, attempt: Int, wait: Double, waited: Double) -> String {
        let bound = budget.map { "waited \(Self.seconds(waited)) of \(Self.seconds($0)) s" }
            ?? "attempt \(attempt + 1) of at most \(maxAttempts)"
        return "\(reason); attempt \(attempt) failed, retrying in \(Self.seconds(wait)) s (\(bound))"
    }

    /// What is added to the last failure when the policy gave up.
    func describeGivingUp(attempts: Int, waited: Double) -> String {
        guard attempts > 1 else { return "" }
        let bound = budget.map { "; retry budget \(Self.seconds($0)) s" } ?? ""
        return " (gave up after \(attempts) attempts and \(Self.seconds(waited)) s of waiting\(bound))"
    }

    static func seconds(_ value: Double) -> String { String(format: "%.2f", value) }
}

/// Blocking HTTP(S) client on libcurl's easy interface. Each call uses its own handle, so the
/// client may be shared between threads. Nothing it logs or throws contains credentials.
public final class HTTPClient: Sendable {
    public let retry: RetryPolicy
    public let connectTimeout: Double
    private let log: (@Sendable (String) -> Void)?

    public init(retry: RetryPolicy = RetryPolicy(), connectTimeout: Double = 10, log: (@Sendable (String) -> Void)? = nil) {
        self.retry = retry
        self.connectTimeout = connectTimeout
        self.log = log
    }

    /// Sends the request, retrying as the policy says. A non-2xx response is returned, not thrown,
    /// after retries are spent; transport failures throw once retries are spent.
    public func send(_ request: HTTPRequest) throws -> HTTPResponse {
        try perform(request, into: nil)
    }

    /// Streams the body to `destination` (truncated first). Returns the response with an empty body.
    public func download(_ request: HTTPRequest, to destination: URL) throws -> HTTPResponse {
        try perform(request, into: destination)
    }

    /// Async form of `send`; the blocking transfer runs off the cooperative thread pool.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try self.send(request) })
            }
        }
    }

    private func perform(_ request: HTTPRequest, into destination: URL?) throws -> HTTPResponse {
        var attempt = 0
        var waited = 0.0
        while true {
            attempt += 1
            do {
                let response = try performOnce(request, into: destination)
                if RetryPolicy.isRetryable(status: response.status),
                   let wait = retry.wait(afterAttempt: attempt, waited: waited, retryAfter: response.headers["retry-after"]) {
                    log?(retry.describeRetry("HTTP \(response.status) from \(Self.redact(request.url))", attempt: attempt, wait: wait, waited: waited))
                    Thread.sleep(forTimeInterval: wait)
                    waited += wait
                    continue
                }
                return response
            } catch let error as HTTPError {
                guard case .transport = error, let wait = retry.wait(afterAttempt: attempt, waited: waited) else { throw error }
                log?(retry.describeRetry(error.description, attempt: attempt, wait: wait, waited: waited))
                Thread.sleep(forTimeInterval: wait)
                waited += wait
            }
        }
    }

    private func performOnce(_ request: HTTPRequest, into destination: URL?) throws -> HTTPResponse {
        let easy = try CurlEasy()
        let sink = CurlSink()
        if let destination {
            _ = FileManager.default.createFile(atPath: destination.path, contents: nil)
            sink.fileHandle = try FileHandle(forWritingTo: destination)
        }
        defer { try? sink.fileHandle?.close() }
        easy.set(CURLOPT_URL, request.url)
        easy.set(CURLOPT_FOLLOWLOCATION, 1)
        easy.set(CURLOPT_MAXREDIRS, 10)
        easy.set(CURLOPT_NOSIGNAL, 1)
        easy.set(CURLOPT_CONNECTTIMEOUT_MS, Int(connectTimeout * 1000))
        easy.set(CURLOPT_TIMEOUT_MS, Int(request.timeout * 1000))
        easy.set(CURLOPT_ACCEPT_ENCODING, "")
        easy.setHeaders(request.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        easy.set(CURLOPT_CUSTOMREQUEST, request.method)
        if request.method == "HEAD" { easy.set(CURLOPT_NOBODY, 1) }
        easy.attach(sink)
        let code: CURLcode = withExtendedLifetime(sink) {
            if let body = request.body {
                return body.withUnsafeBytes { raw -> CURLcode in
                    _ = arena_curl_setopt_off(easy.handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(raw.count))
                    _ = arena_curl_setopt_ptr(easy.handle, CURLOPT_POSTFIELDS, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1))
                    return curl_easy_perform(easy.handle)
                }
            }
            return curl_easy_perform(easy.handle)
        }
        if let writeError = sink.writeError {
            throw HTTPError.transport(url: Self.redact(request.url), message: "writing response body failed: \(writeError)")
        }
        guard code == CURLE_OK else {
            throw HTTPError.transport(url: Self.redact(request.url), message: CurlEasy.message(for: code))
        }
        return HTTPResponse(url: request.url, status: easy.responseCode, headers: sink.parsedHeaders(), body: sink.body)
    }

    // MARK: - Messages without secrets

    /// The URL without user information, and with the values of credential-like query parameters removed.
    public static func redact(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "<unparseable URL>" }
        components.user = nil
        components.password = nil
        if let items = components.queryItems {
            components.queryItems = items.map { item in
                let name = item.name.lowercased()
                let secret = ["token", "sig", "key", "secret", "password", "auth"].contains { name.contains($0) }
                return secret ? URLQueryItem(name: item.name, value: "REDACTED") : item
            }
        }
        return components.string ?? "<unparseable URL>"
    }

    /// The server's error text: the `error`/`message`/`detail` field of a JSON body, or the start of the body.
    public static func serverMessage(_ body: Data) -> String {
        if let json = try? JSONValue.parse(body) {
            for key in ["error", "message", "detail", "errors"] {
                guard let field = json[key] else { continue }
                if let s = field.stringValue { return s }
                if let inner = field["message"]?.stringValue { return inner }
                if let first = field.arrayValue?.first, let inner = first["message"]?.stringValue { return inner }
            }
        }
        return excerpt(body)
    }

    static func excerpt(_ body: Data, limit: Int = 300) -> String {
        let text = String(decoding: body.prefix(limit), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return body.count > limit ? text + "…" : text
    }
}
