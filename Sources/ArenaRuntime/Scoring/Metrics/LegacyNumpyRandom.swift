/// numpy's legacy `np.random.RandomState(seed)` (MT19937 seeded with `init_genrand`) and its
/// `randint(0, n)` (masked rejection sampling on 32-bit draws), so that a resampling plan can
/// be reproduced draw for draw by a few lines of numpy.
public struct LegacyNumpyRandom: Sendable {
    private var state = [UInt32](repeating: 0, count: 624)
    private var index = 624

    public init(seed: UInt32) {
        state[0] = seed
        for i in 1..<624 {
            state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i)
        }
    }

    /// MT19937 `genrand_int32`.
    public mutating func nextUInt32() -> UInt32 {
        if index >= 624 { regenerate() }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    private mutating func regenerate() {
        for i in 0..<624 {
            let y = (state[i] & 0x8000_0000) | (state[(i + 1) % 624] & 0x7FFF_FFFF)
            state[i] = state[(i + 397) % 624] ^ (y >> 1) ^ ((y & 1) == 0 ? 0 : 0x9908_B0DF)
        }
        index = 0
    }

    /// `RandomState.randint(0, upperBound)` for 1 ≤ upperBound ≤ 2³²: draws masked to the
    /// next power of two, rejecting values past the range; no draw when the range is one value.
    public mutating func randint(_ upperBound: Int) -> Int {
        let range = UInt32(truncatingIfNeeded: upperBound - 1)
        if range == 0 { return 0 }
        var mask = range
        mask |= mask >> 1
        mask |= mask >> 2
        mask |= mask >> 4
        mask |= mask >> 8
        mask |= mask >> 16
        while true {
            let value = nextUInt32() & mask
            if value <= range { return Int(value) }
        }
    }
}
