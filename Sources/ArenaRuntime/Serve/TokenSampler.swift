import Foundation

/// Picks next tokens: the argmax (first maximum) at temperature 0, otherwise a draw from
/// `softmax(logprobs / temperature)` with a seeded generator, so equal requests give equal text.
struct TokenSampler {
    private var state: UInt64
    let temperature: Double

    init(temperature: Double, seed: Int?) {
        self.temperature = temperature
        state = UInt64(bitPattern: Int64(seed ?? 0)) &+ 0x9E37_79B9_7F4A_7C15
    }

    mutating func next(_ row: [Double]) -> Int {
        guard temperature > 0 else { return Self.argmax(row) }
        let maximum = row.max() ?? 0
        let weights = row.map { Foundation.exp(($0 - maximum) / temperature) }
        let total = weights.reduce(0, +)
        var target = uniform() * total
        for (id, weight) in weights.enumerated() {
            target -= weight
            if target < 0 { return id }
        }
        return Self.argmax(row)
    }

    /// SplitMix64, as a double in [0, 1).
    private mutating func uniform() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(UInt64(1) << 53)
    }

    static func argmax(_ row: [Double]) -> Int {
        var best = 0
        for i in row.indices where row[i] > row[best] { best = i }
        return best
    }

    /// The `k` most likely ids, most likely first (lower id first among equals).
    static func top(_ row: [Double], _ k: Int) -> [Int] {
        guard k > 0 else { return [] }
        var best: [Int] = []
        for id in row.indices {
            if best.count == k, let last = best.last, row[id] <= row[last] { continue }
            var insertAt = best.count
            while insertAt > 0, row[best[insertAt - 1]] < row[id] { insertAt -= 1 }
            best.insert(id, at: insertAt)
            if best.count > k { best.removeLast() }
        }
        return best
    }
}
