/// CPython's `random.Random`: the MT19937 generator seeded the way `random.seed(int)` seeds it
/// (`init_by_array` over the 32-bit words of `abs(seed)`, least significant first), with
/// `getrandbits` and `_randbelow` (rejection sampling) drawing the same numbers CPython draws.
public struct PythonRandom: Sendable {
    private static let n = 624
    private static let m = 397
    private var state: [UInt32]
    private var index: Int

    /// `random.Random(seed)` for an integer seed.
    public init(seed: Int) {
        let magnitude = seed.magnitude
        var key: [UInt32] = [UInt32(truncatingIfNeeded: magnitude)]
        let high = UInt32(truncatingIfNeeded: magnitude >> 32)
        if high != 0 { key.append(high) }
        self.init(key: key)
    }

    /// Seeding by `init_by_array(key)`, as CPython's `random_seed` does for an int's words.
    public init(key: [UInt32]) {
        state = [UInt32](repeating: 0, count: Self.n)
        index = Self.n
        initGenrand(19_650_218)
        let words = key.isEmpty ? [0] : key
        var i = 1
        var j = 0
        for _ in 0..<max(Self.n, words.count) {
            let previous = state[i - 1] ^ (state[i - 1] >> 30)
            state[i] = (state[i] ^ (previous &* 1_664_525)) &+ words[j] &+ UInt32(truncatingIfNeeded: j)
            i += 1
            j += 1
            if i >= Self.n { state[0] = state[Self.n - 1]; i = 1 }
            if j >= words.count { j = 0 }
        }
        for _ in 0..<(Self.n - 1) {
            let previous = state[i - 1] ^ (state[i - 1] >> 30)
            state[i] = (state[i] ^ (previous &* 1_566_083_941)) &- UInt32(truncatingIfNeeded: i)
            i += 1
            if i >= Self.n { state[0] = state[Self.n - 1]; i = 1 }
        }
        state[0] = 0x8000_0000
    }

    private mutating func initGenrand(_ seed: UInt32) {
        state[0] = seed
        for i in 1..<Self.n {
            let previous = state[i - 1] ^ (state[i - 1] >> 30)
            state[i] = 1_812_433_253 &* previous &+ UInt32(truncatingIfNeeded: i)
        }
        index = Self.n
    }

    private mutating func twist() {
        let upper: UInt32 = 0x8000_0000
        let lower: UInt32 = 0x7FFF_FFFF
        let matrix: UInt32 = 0x9908_B0DF
        for k in 0..<Self.n {
            let y = (state[k] & upper) | (state[(k + 1) % Self.n] & lower)
            state[k] = state[(k + Self.m) % Self.n] ^ (y >> 1) ^ ((y & 1) == 0 ? 0 : matrix)
        }
        index = 0
    }

    /// `genrand_uint32`: the next tempered 32-bit output.
    public mutating func nextUInt32() -> UInt32 {
        if index >= Self.n { twist() }
        var y = state[index]
        index += 1
        y ^= (y >> 11)
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= (y >> 18)
        return y
    }

    /// `getrandbits(k)` for 0 <= k <= 64: 32-bit words, least significant first, the last one
    /// shifted right to keep only its top bits.
    public mutating func getrandbits(_ k: Int) throws -> UInt64 {
        guard k >= 0, k <= 64 else { throw PythonRandomError(reason: "getrandbits(\(k)): this generator draws 0 to 64 bits") }
        if k == 0 { return 0 }
        if k <= 32 { return UInt64(nextUInt32() >> UInt32(32 - k)) }
        let low = UInt64(nextUInt32())
        let high = UInt64(nextUInt32() >> UInt32(64 - k))
        return (high << 32) | low
    }

    /// `random()`: a float in [0, 1) from 53 random bits.
    public mutating func random() -> Double {
        let a = Double(nextUInt32() >> 5)
        let b = Double(nextUInt32() >> 6)
        return (a * 67_108_864.0 + b) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `_randbelow_with_getrandbits(n)`: uniform in [0, n) by rejection; `n` must be positive.
    public mutating func randbelow(_ n: Int) throws -> Int {
        guard n > 0 else { throw PythonRandomError(reason: "randbelow(\(n)): the bound must be positive") }
        let bits = Int.bitWidth - n.leadingZeroBitCount
        var r = try getrandbits(bits)
        while r >= UInt64(n) { r = try getrandbits(bits) }
        return Int(r)
    }
}

public struct PythonRandomError: Error, CustomStringConvertible, Equatable {
    public let reason: String
    public var description: String { reason }
}
