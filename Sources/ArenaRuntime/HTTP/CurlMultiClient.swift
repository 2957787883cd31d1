import CCurl
import Foundation

/// Many HTTP requests in flight at once over libcurl's multi socket interface, on one thread.
///
/// At most `maxInFlight` transfers run together, counted over every `sendAll` running on this client
/// at once; each has its own deadline (`HTTPRequest.timeout`). Connection errors, 429 and 5xx are
/// retried as the retry policy says (deterministic exponential backoff, `Retry-After` honoured, a
/// total waiting budget), each retry logged with the failure, the attempt and the wait. Only a 2xx response is a success; every failure carries the
/// server's own error text. Results come back in request order. Connections (keep-alive, TCP
/// no-delay, no `Expect: 100-continue`) stay open between calls for the next batch.
public final class CurlMultiClient: Sendable {
    public static let defaultMaxInFlight = 64

    public let maxInFlight: Int
    public let retry: RetryPolicy
    public let connectTimeout: Double
    private let log: (@Sendable (String) -> Void)?
    /// When it says true, failures are not retried (the server process is known to be gone).
    private let stopRetrying: (@Sendable () -> Bool)?
    private let sessions = CurlMultiSessionPool()
    private let slots: InFlightSlots

    public init(maxInFlight: Int = CurlMultiClient.defaultMaxInFlight, retry: RetryPolicy = RetryPolicy(),
                connectTimeout: Double = 10, log: (@Sendable (String) -> Void)? = nil, stopRetrying: (@Sendable () -> Bool)? = nil) {
        self.stopRetrying = stopRetrying
        self.maxInFlight = max(1, maxInFlight)
        slots = InFlightSlots(limit: maxInFlight)
        self.retry = retry
        self.connectTimeout = connectTimeout
        self.log = log
    }

    /// The most transfers this client has had in flight at once, over all its calls.
    public var peakInFlight: Int { slots.maxUsed }

    /// Sends every request and blocks until all have finished for good. `completed` is called on
    /// the calling thread as each request finishes (after its retries), so a cache can keep it
    /// before the rest are done. `isCancelled` is polled; once true, transfers in flight are
    /// abandoned and every unfinished request fails with a cancellation error.
    public func sendAll(_ requests: [HTTPRequest],
                        completed: ((Int, Result<HTTPResponse, HTTPError>) -> Void)? = nil,
                        isCancelled: () -> Bool = { false }) -> [Result<HTTPResponse, HTTPError>] {
        var results = [Result<HTTPResponse, HTTPError>?](repeating: nil, count: requests.count)
        guard !requests.isEmpty else { return [] }
        let session: CurlMultiSession
        do { session = try sessions.take(maxConnections: maxInFlight) } catch {
            let failure = HTTPError.transport(url: "", message: "\(error)")
            for i in requests.indices { completed?(i, .failure(failure)) }
            return requests.map { _ in .failure(failure) }
        }
        let multi = session.multi
        var scheduler = MultiScheduler(count: requests.count)
        var active: [Int: MultiTransfer] = [:]
        // Requests of a batch usually share their headers: one header list for all of them.
        var headerList: (headers: [String: String], list: CurlHeaderList)?
        var cancelled = false

        func finish(_ index: Int, _ result: Result<HTTPResponse, HTTPError>) {
            results[index] = result
            scheduler.finished += 1
            completed?(index, result)
        }

        /// Starts a transfer in a slot already taken.
        func start(_ next: MultiScheduler.Next) {
            let index = next.index
            let easy: CurlEasy
            if let reused = session.idleEasy.popLast() {
                curl_easy_reset(reused.handle)
                easy = reused
            } else {
                do { easy = try CurlEasy() } catch {
                    slots.release()
                    finish(index, .failure(.transport(url: HTTPClient.redact(requests[index].url), message: "curl_easy_init failed")))
                    return
                }
            }
            let request = requests[index]
            let headers: CurlHeaderList
            if let shared = headerList, shared.headers == request.headers {
                headers = shared.list
            } else {
                headers = CurlHeaderList(request.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
                headerList = (request.headers, headers)
            }
            let transfer = MultiTransfer(index: index, attempt: next.attempt, waited: next.waited, easy: easy, headers: headers)
            configure(transfer, request)
            active[Int(bitPattern: easy.handle)] = transfer
            curl_multi_add_handle(multi.handle, easy.handle)
        }

        func release(_ transfer: MultiTransfer) {
            curl_multi_remove_handle(multi.handle, transfer.easy.handle)
            active[Int(bitPattern: transfer.easy.handle)] = nil
            session.idleEasy.append(transfer.easy)
            slots.release()
        }

        /// Hands finished transfers to `finish` or the retry queue.
        func collect() {
            var left: Int32 = 0
            while let message = curl_multi_info_read(multi.handle, &left) {
                guard arena_curl_msg_is_done(message) != 0, let handle = message.pointee.easy_handle,
                      let transfer = active[Int(bitPattern: handle)] else { continue }
                let code = arena_curl_msg_result(message)
                let outcome = evaluate(transfer, code: code, request: requests[transfer.index])
                release(transfer)
                switch outcome {
                case let .done(result): finish(transfer.index, result)
                case let .retry(after, reason):
                    log?(retry.describeRetry(reason, attempt: transfer.attempt, wait: after, waited: transfer.waited))
                    scheduler.retry(.init(index: transfer.index, attempt: transfer.attempt + 1, waited: transfer.waited + after),
                                    at: MultiScheduler.now() + after)
                }
            }
        }

        while scheduler.finished < requests.count {
            if isCancelled() {
                cancelled = true
                for transfer in active.values { release(transfer) }
                for i in results.indices where results[i] == nil {
                    finish(i, .failure(.transport(url: HTTPClient.redact(requests[i].url), message: "cancelled")))
                }
                break
            }
            let now = MultiScheduler.now()
            var started = false
            while scheduler.hasReady(now: now), slots.tryAcquire() {
                guard let next = scheduler.nextReady(now: now) else {
                    slots.release()
                    break
                }
                start(next)
                started = true
            }
            // New transfers begin at once (libcurl asked for a zero timeout when they were added).
            if started { session.runTimerIfDue() }
            collect()
            if scheduler.finished >= requests.count { break }
            // A slot freed above is filled at once rather than after the next socket event.
            let ready = scheduler.hasReady(now: MultiScheduler.now())
            if ready, slots.available > 0 { continue }
            if active.isEmpty {
                if ready {
                    // Every slot is taken by another call on this client.
                    slots.waitForRelease(upTo: 0.05)
                } else {
                    let wait = min(0.1, scheduler.secondsUntilNextRetry(now: MultiScheduler.now()))
                    if wait > 0 { Thread.sleep(forTimeInterval: wait) }
                }
            } else {
                session.wait(upTo: 0.1)
                collect()
            }
        }
        for transfer in active.values { release(transfer) }
        // A session whose transfers were abandoned may hold half-used connections: not reused.
        if !cancelled { sessions.giveBack(session) }
        return results.enumerated().map { i, result in
            result ?? .failure(.transport(url: HTTPClient.redact(requests[i].url), message: "request was not sent"))
        }
    }

    /// Async form of `sendAll`: the transfers run on a thread of their own; cancelling the task
    /// abandons the transfers in flight.
    public func sendAll(_ requests: [HTTPRequest],
                        completed: (@Sendable (Int, Result<HTTPResponse, HTTPError>) -> Void)? = nil) async -> [Result<HTTPResponse, HTTPError>] {
        let flag = CancellationFlag()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                Thread.detachNewThread {
                    continuation.resume(returning: self.sendAll(requests, completed: completed, isCancelled: { flag.isSet }))
                }
            }
        } onCancel: {
            flag.set()
        }
    }

    private func configure(_ transfer: MultiTransfer, _ request: HTTPRequest) {
        let easy = transfer.easy
        easy.set(CURLOPT_URL, request.url)
        easy.set(CURLOPT_NOSIGNAL, 1)
        easy.set(CURLOPT_TCP_NODELAY, 1)
        easy.set(CURLOPT_CONNECTTIMEOUT_MS, Int(connectTimeout * 1000))
        easy.set(CURLOPT_TIMEOUT_MS, Int(request.timeout * 1000))
        easy.use(transfer.headers)
        easy.set(CURLOPT_CUSTOMREQUEST, request.method)
        if let body = request.body {
            _ = arena_curl_setopt_off(easy.handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            body.withUnsafeBytes { raw in
                // COPYPOSTFIELDS: libcurl keeps its own copy, so the body need not outlive this call.
                _ = arena_curl_setopt_ptr(easy.handle, CURLOPT_COPYPOSTFIELDS, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1))
            }
        }
        easy.attach(transfer.sink)
        // Raw header bytes, parsed once when the transfer is done (no per-line String work).
        _ = arena_curl_setopt_cb(easy.handle, CURLOPT_HEADERFUNCTION, multiHeaderCallback)
        _ = arena_curl_setopt_ptr(easy.handle, CURLOPT_HEADERDATA, Unmanaged.passUnretained(transfer).toOpaque())
    }

    private enum Outcome {
        case done(Result<HTTPResponse, HTTPError>)
        case retry(after: Double, reason: String)
    }

    private func evaluate(_ transfer: MultiTransfer, code: CURLcode, request: HTTPRequest) -> Outcome {
        let url = HTTPClient.redact(request.url)
        guard code == CURLE_OK else {
            if code == CURLE_OPERATION_TIMEDOUT {
                return .done(.failure(.transport(url: url, message: "no complete response within the deadline of \(PythonFloat.repr(request.timeout)) s (\(CurlEasy.message(for: code)))")))
            }
            let error = HTTPError.transport(url: url, message: CurlEasy.message(for: code))
            guard Self.isConnectionError(code), stopRetrying?() != true else { return .done(.failure(error)) }
            if let wait = retry.wait(afterAttempt: transfer.attempt, waited: transfer.waited) {
                return .retry(after: wait, reason: error.description)
            }
            return .done(.failure(.transport(url: url, message: CurlEasy.message(for: code) + retry.describeGivingUp(attempts: transfer.attempt, waited: transfer.waited))))
        }
        let headers = transfer.parsedHeaders()
        let response = HTTPResponse(url: request.url, status: transfer.easy.responseCode, headers: headers, body: transfer.sink.body)
        if (200..<300).contains(response.status) { return .done(.success(response)) }
        let message = HTTPClient.serverMessage(response.body)
        let error = HTTPError.status(url: url, code: response.status, message: message)
        guard RetryPolicy.isRetryable(status: response.status), stopRetrying?() != true else { return .done(.failure(error)) }
        if let wait = retry.wait(afterAttempt: transfer.attempt, waited: transfer.waited, retryAfter: headers["retry-after"]) {
            return .retry(after: wait, reason: error.description)
        }
        return .done(.failure(.status(url: url, code: response.status,
                                      message: message + retry.describeGivingUp(attempts: transfer.attempt, waited: transfer.waited))))
    }

    static func isConnectionError(_ code: CURLcode) -> Bool {
        [CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_SEND_ERROR, CURLE_RECV_ERROR,
         CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE].contains(code)
    }
}

/// One libcurl multi handle, freed in deinit.
final class CurlMultiHandle {
    let handle: UnsafeMutableRawPointer

    init() throws {
        _ = CurlGlobal.initialized
        guard let h = curl_multi_init() else { throw HTTPError.transport(url: "", message: "curl_multi_init failed") }
        handle = h
    }

    deinit { curl_multi_cleanup(handle) }
}

final class MultiTransfer {
    let index: Int
    let attempt: Int
    /// Seconds this request waited between its earlier attempts.
    let waited: Double
    let easy: CurlEasy
    /// Kept alive while libcurl may read it.
    let headers: CurlHeaderList
    let sink = CurlSink()
    var headerBytes: [UInt8] = []

    /// Header names in lower case, values trimmed; only the last response's block counts
    /// (redirects and 100-continue send several).
    func parsedHeaders() -> [String: String] {
        var headers: [String: String] = [:]
        var start = 0
        let bytes = headerBytes
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            var lineEnd = end
            if lineEnd > start, bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            let line = bytes[start..<lineEnd]
            if line.starts(with: [0x48, 0x54, 0x54, 0x50, 0x2F]) {  // "HTTP/"
                headers = [:]
            } else if let colon = line.firstIndex(of: 0x3A) {
                let name = String(decoding: line[..<colon].filter { $0 != 0x20 && $0 != 0x09 }.map { (0x41...0x5A).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
                var valueStart = colon + 1
                var valueEnd = lineEnd
                while valueStart < valueEnd, bytes[valueStart] == 0x20 || bytes[valueStart] == 0x09 { valueStart += 1 }
                while valueEnd > valueStart, bytes[valueEnd - 1] == 0x20 || bytes[valueEnd - 1] == 0x09 { valueEnd -= 1 }
                headers[name] = String(decoding: bytes[valueStart..<valueEnd], as: UTF8.self)
            }
            start = end + 1
        }
        return headers
    }

    init(index: Int, attempt: Int, waited: Double, easy: CurlEasy, headers: CurlHeaderList) {
        self.index = index
        self.attempt = attempt
        self.waited = waited
        self.easy = easy
        self.headers = headers
    }
}

private let multiHeaderCallback: arena_curl_data_cb = { pointer, size, count, userdata in
    guard let pointer, let userdata else { return 0 }
    let transfer = Unmanaged<MultiTransfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    transfer.headerBytes.append(contentsOf: UnsafeRawBufferPointer(start: pointer, count: length))
    return length
}

/// A flag set from a cancellation handler and polled by a transfer thread.
final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
