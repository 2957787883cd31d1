import Foundation

/// Which request goes next: retries that are due first, then fresh requests in order. Each entry
/// carries its attempt number and the seconds it has already waited between attempts.
struct MultiScheduler {
    struct Next: Equatable {
        var index: Int
        var attempt: Int
        var waited: Double
    }

    let count: Int
    var nextFresh = 0
    var finished = 0
    var retries: [(due: Double, next: Next)] = []

    init(count: Int) { self.count = count }

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    mutating func nextReady(now: Double) -> Next? {
        if let i = retries.firstIndex(where: { $0.due <= now }) {
            return retries.remove(at: i).next
        }
        guard nextFresh < count else { return nil }
        defer { nextFresh += 1 }
        return Next(index: nextFresh, attempt: 1, waited: 0)
    }

    func hasReady(now: Double) -> Bool {
        nextFresh < count || retries.contains { $0.due <= now }
    }

    mutating func retry(_ next: Next, at due: Double) {
        retries.append((due, next))
    }

    func secondsUntilNextRetry(now: Double) -> Double {
        guard let earliest = retries.map(\.due).min() else { return 0 }
        return max(0, earliest - now)
    }
}

/// The transfers one client may have in flight, shared by every `sendAll` running on it at once
/// (tokenize, completions and generation batches together never exceed the limit).
final class InFlightSlots: @unchecked Sendable {
    let limit: Int
    private let condition = NSCondition()
    private var used = 0
    /// The most transfers that were in flight at once (for tests and benchmarks).
    private var peak = 0

    init(limit: Int) { self.limit = max(1, limit) }

    var maxUsed: Int { condition.withLock { peak } }
    var available: Int { condition.withLock { limit - used } }

    func tryAcquire() -> Bool {
        condition.withLock {
            guard used < limit else { return false }
            used += 1
            peak = max(peak, used)
            return true
        }
    }

    func release() {
        condition.withLock {
            used = max(0, used - 1)
            condition.broadcast()
        }
    }

    /// Waits until a slot may be free or `seconds` pass.
    func waitForRelease(upTo seconds: Double) {
        condition.withLock {
            guard used >= limit else { return }
            _ = condition.wait(until: Date().addingTimeInterval(seconds))
        }
    }
}
