import Foundation

/// Maps `items` concurrently with at most `limit` operations in flight; results keep input order.
public func boundedMap<T: Sendable, R: Sendable>(_ items: [T], limit: Int, _ transform: @escaping @Sendable (T) async throws -> R) async throws -> [R] {
    if items.isEmpty { return [] }
    return try await withThrowingTaskGroup(of: (Int, R).self) { group in
        var results = [R?](repeating: nil, count: items.count)
        var next = 0
        for _ in 0..<min(max(1, limit), items.count) {
            let index = next
            group.addTask { (index, try await transform(items[index])) }
            next += 1
        }
        while let (index, value) = try await group.next() {
            results[index] = value
            if next < items.count {
                let index = next
                group.addTask { (index, try await transform(items[index])) }
                next += 1
            }
        }
        return results.compactMap { $0 }
    }
}

/// Remembers token ids per text so that repeated contexts (one per answer choice) are tokenized once.
public actor MemoizedTokenizer {
    private let tokenize: @Sendable (String) async throws -> [Int]
    private var cache: [String: Task<[Int], Error>] = [:]

    public init(tokenize: @escaping @Sendable (String) async throws -> [Int]) {
        self.tokenize = tokenize
    }

    public func tokens(for text: String) async throws -> [Int] {
        if let existing = cache[text] { return try await existing.value }
        let task = Task { try await tokenize(text) }
        cache[text] = task
        return try await task.value
    }
}
