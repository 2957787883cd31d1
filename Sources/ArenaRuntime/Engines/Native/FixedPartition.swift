import COpenBLAS
import Dispatch
import Foundation

/// Runs a fixed list of work items on `threads` workers. The items are fixed by the problem's shape
/// and which worker runs an item never changes what it computes, so results are identical for any
/// thread count.
struct FixedPartition: Sendable {
    let threads: Int

    init(threads: Int) {
        self.threads = max(1, threads)
        BLASSetup.singleThreaded()
    }

    func forEach(_ count: Int, _ body: (Int) -> Void) {
        forEach(count) { _, item in body(item) }
    }

    /// `body(worker, item)`: `worker` (below `threads`) lets an item borrow per-worker scratch memory.
    func forEach(_ count: Int, _ body: (_ worker: Int, _ item: Int) -> Void) {
        let workers = min(threads, count)
        if workers <= 1 {
            for i in 0 ..< count { body(0, i) }
            return
        }
        // Workers take the next item as they free up, which balances load when other processes
        // compete for the cores; an item's result does not depend on who computes it.
        let queue = WorkQueue(count: count)
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendableBox(body)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                while let item = queue.next() { shared.value(worker, item) }
            }
        }
    }
}

/// Hands out the item indices 0 ..< count, each once.
final class WorkQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var nextItem = 0
    private let count: Int

    init(count: Int) { self.count = count }

    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard nextItem < count else { return nil }
        nextItem += 1
        return nextItem - 1
    }
}

/// Holds a value that is handed to worker threads whose accesses are disjoint by construction.
struct UncheckedSendableBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

enum BLASSetup {
    private static let once: Bool = {
        // Each sgemm call runs on the calling thread with one fixed blocking, so a product's
        // reduction order depends only on its own shape, never on the machine's thread count.
        openblas_set_num_threads(1)
        return true
    }()

    static func singleThreaded() { _ = once }

    /// OpenBLAS's version and the kernel it picked for this CPU, e.g. "openblas-0.3.21-Cooperlake":
    /// a product's bits depend on them, so they are part of the engine's identity.
    static var kernelDescription: String {
        let config = String(cString: openblas_get_config()).split(separator: " ")
        let version = config.count > 1 && config[0] == "OpenBLAS" ? String(config[1]) : "unknown"
        return "openblas-\(version)-\(String(cString: openblas_get_corename()))"
    }
}
