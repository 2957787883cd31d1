import CCurl
import Foundation

/// One libcurl multi handle driven through its socket interface (`curl_multi_socket_action`) on
/// an epoll set, with the easy handles it has finished with. libcurl is told which socket is
/// ready, so it reads and writes only those transfers, without polling every socket itself.
/// A session keeps its connections open between `sendAll` calls (it goes back to its client's
/// pool), so consecutive batches reuse them. Used by one thread at a time.
final class CurlMultiSession {
    let multi: CurlMultiHandle
    private let epoll: Int32
    /// Sockets in the epoll set.
    private var watched: Set<Int32> = []
    /// When libcurl wants `socket_action(CURL_SOCKET_TIMEOUT)` next (seconds, `MultiScheduler.now`).
    private(set) var timerDeadline: Double?
    /// Easy handles not in use, reused (after `curl_easy_reset`) for later transfers.
    var idleEasy: [CurlEasy] = []
    private var readyFDs = [Int32](repeating: 0, count: 64)
    private var readyMasks = [Int32](repeating: 0, count: 64)

    init(maxConnections: Int) throws {
        multi = try CurlMultiHandle()
        epoll = arena_epoll_create()
        guard epoll >= 0 else { throw HTTPError.transport(url: "", message: "epoll_create1: \(String(cString: strerror(errno)))") }
        let opaque = Unmanaged.passUnretained(self).toOpaque()
        _ = arena_curl_multi_setopt_socket_cb(multi.handle, sessionSocketCallback)
        _ = arena_curl_multi_setopt_ptr(multi.handle, CURLMOPT_SOCKETDATA, opaque)
        _ = arena_curl_multi_setopt_timer_cb(multi.handle, sessionTimerCallback)
        _ = arena_curl_multi_setopt_ptr(multi.handle, CURLMOPT_TIMERDATA, opaque)
        // Idle connections kept for reuse: one per transfer in flight (libcurl's default shrinks
        // with the number of handles added, closing connections the next batch would reuse).
        _ = arena_curl_multi_setopt_long(multi.handle, CURLMOPT_MAXCONNECTS, max(4, maxConnections))
    }

    deinit {
        // Cleaning up the multi handle closes its connections: libcurl must not call back here.
        _ = arena_curl_multi_setopt_socket_cb(multi.handle, nil)
        _ = arena_curl_multi_setopt_timer_cb(multi.handle, nil)
        idleEasy.removeAll()
        close(epoll)
    }

    /// Called by libcurl: what it wants to know about `socket`.
    fileprivate func watch(_ socket: Int32, what: Int32) {
        if what == CURL_POLL_REMOVE {
            if watched.remove(socket) != nil { _ = arena_epoll_ctl(epoll, arena_epoll_del(), socket, 0, 0) }
            return
        }
        let wantIn: Int32 = what == CURL_POLL_IN || what == CURL_POLL_INOUT ? 1 : 0
        let wantOut: Int32 = what == CURL_POLL_OUT || what == CURL_POLL_INOUT ? 1 : 0
        // A socket libcurl closed without telling leaves the set by itself; its number may come back.
        if watched.contains(socket) {
            if arena_epoll_ctl(epoll, arena_epoll_mod(), socket, wantIn, wantOut) != 0, errno == ENOENT {
                _ = arena_epoll_ctl(epoll, arena_epoll_add(), socket, wantIn, wantOut)
            }
        } else {
            watched.insert(socket)
            if arena_epoll_ctl(epoll, arena_epoll_add(), socket, wantIn, wantOut) != 0, errno == EEXIST {
                _ = arena_epoll_ctl(epoll, arena_epoll_mod(), socket, wantIn, wantOut)
            }
        }
    }

    fileprivate func setTimer(milliseconds: Int) {
        timerDeadline = milliseconds < 0 ? nil : MultiScheduler.now() + Double(milliseconds) / 1000
    }

    /// Runs libcurl's timeouts when due.
    func runTimerIfDue() {
        guard let deadline = timerDeadline, deadline <= MultiScheduler.now() else { return }
        timerDeadline = nil
        var running: Int32 = 0
        _ = curl_multi_socket_action(multi.handle, -1 /* CURL_SOCKET_TIMEOUT */, 0, &running)
    }

    /// Waits up to `seconds` (less when libcurl's timer is due sooner) for socket events and hands
    /// each to libcurl, then runs the timer if due.
    func wait(upTo seconds: Double) {
        var limit = seconds
        if let deadline = timerDeadline { limit = min(limit, deadline - MultiScheduler.now()) }
        let milliseconds = Int32(max(0, (limit * 1000).rounded(.up)))
        let count = readyFDs.withUnsafeMutableBufferPointer { fds in
            readyMasks.withUnsafeMutableBufferPointer { masks in
                arena_epoll_wait_curl(epoll, fds.baseAddress, masks.baseAddress, Int32(fds.count), milliseconds)
            }
        }
        var running: Int32 = 0
        for i in 0..<max(0, Int(count)) {
            _ = curl_multi_socket_action(multi.handle, readyFDs[i], readyMasks[i], &running)
        }
        runTimerIfDue()
    }
}

private let sessionSocketCallback: arena_curl_socket_cb = { _, socket, what, userp, _ in
    guard let userp else { return 0 }
    Unmanaged<CurlMultiSession>.fromOpaque(userp).takeUnretainedValue().watch(socket, what: what)
    return 0
}

private let sessionTimerCallback: arena_curl_timer_cb = { _, milliseconds, userp in
    guard let userp else { return 0 }
    Unmanaged<CurlMultiSession>.fromOpaque(userp).takeUnretainedValue().setTimer(milliseconds: milliseconds)
    return 0
}

/// Sessions not in use, kept so that the next batch reuses their connections.
final class CurlMultiSessionPool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [CurlMultiSession] = []
    private let keep: Int

    init(keep: Int = 4) { self.keep = keep }

    func take(maxConnections: Int) throws -> CurlMultiSession {
        if let session = lock.withLock({ idle.popLast() }) { return session }
        return try CurlMultiSession(maxConnections: maxConnections)
    }

    func giveBack(_ session: CurlMultiSession) {
        lock.withLock {
            if idle.count < keep { idle.append(session) }
        }
    }
}
