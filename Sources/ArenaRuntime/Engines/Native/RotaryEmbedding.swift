import Foundation

/// Rotary position embedding on the two halves of each head (Hugging Face's `rotate_half`).
struct RotaryEmbedding: Sendable {
    let headDim: Int
    /// One frequency per pair, rounded to Float as Hugging Face keeps them.
    let inverseFrequencies: [Float]

    init(config: NativeModelConfig) {
        self.init(headDim: config.headDim, theta: config.ropeTheta, scaling: config.ropeScaling)
    }

    init(headDim: Int, theta: Double, scaling: RopeScaling) {
        self.headDim = headDim
        let half = headDim / 2
        var frequencies = (0 ..< half).map { i in 1 / pow(theta, Double(2 * i) / Double(headDim)) }
        switch scaling {
        case .none:
            break
        case let .linear(factor):
            frequencies = frequencies.map { $0 / factor }
        case let .llama3(factor, low, high, original):
            let lowWavelength = Double(original) / low, highWavelength = Double(original) / high
            frequencies = frequencies.map { frequency in
                let wavelength = 2 * Double.pi / frequency
                if wavelength < highWavelength { return frequency }
                if wavelength > lowWavelength { return frequency / factor }
                let smooth = (Double(original) / wavelength - low) / (high - low)
                return (1 - smooth) * frequency / factor + smooth * frequency
            }
        }
        inverseFrequencies = frequencies.map { Float($0) }
    }

    /// Cosines and sines for `count` positions from `start`: [count, headDim / 2] each.
    func table(start: Int, count: Int) -> (cos: [Float], sin: [Float]) {
        let half = headDim / 2
        var cosines = [Float](repeating: 0, count: count * half)
        var sines = [Float](repeating: 0, count: count * half)
        for t in 0 ..< count {
            let position = Float(start + t)
            for i in 0 ..< half {
                let angle = Double(position * inverseFrequencies[i])
                cosines[t * half + i] = Float(cos(angle))
                sines[t * half + i] = Float(sin(angle))
            }
        }
        return (cosines, sines)
    }

    /// Rotates `heads` heads of each of `rows` rows (row stride `stride`) in place.
    func apply(_ x: UnsafeMutablePointer<Float>, rows: Int, heads: Int, stride: Int, cos: [Float], sin: [Float]) {
        let half = headDim / 2
        cos.withUnsafeBufferPointer { c in
            sin.withUnsafeBufferPointer { s in
                for t in 0 ..< rows {
                    for h in 0 ..< heads {
                        let v = x + t * stride + h * headDim
                        for i in 0 ..< half {
                            let a = v[i], b = v[i + half]
                            let ci = c[t * half + i], si = s[t * half + i]
                            v[i] = a * ci - b * si
                            v[i + half] = b * ci + a * si
                        }
                    }
                }
            }
        }
    }
}
