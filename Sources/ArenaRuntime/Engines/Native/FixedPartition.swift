import COpenBLAS
import Dispatch

/// Runs a fixed list of work items on `threads` workers. Which worker runs an item never changes
/// what the item computes, so results are identical for any thread count.
struct FixedPartition: Sendable {
    let threads: Int

    init(threads: Int) {
        self.threads = max(1, threads)
        BLASSetup.singleThreaded()
    }

    func forEach(_ count: Int, _ body: (Int) -> Void) {
        let workers = min(threads, count)
        if workers <= 1 {
            for i in 0 ..< count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendableBox(body)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var item = worker
                while item < count {
                    shared.value(item)
                    item += workers
                }
            }
        }
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
}
