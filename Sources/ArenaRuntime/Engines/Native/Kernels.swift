import COpenBLAS
import Foundation

/// The numeric building blocks of the forward pass, in Float with fixed reduction orders.
enum Kernels {
    /// Output columns per sgemm call: the partition of every matrix product is fixed by shape.
    static let columnBlock = 128

    /// `y[rows, out] = x[rows, in] W^T + b`, `y` with row stride `ldy`.
    static func linear(_ x: UnsafePointer<Float>, rows: Int, _ w: LinearWeights, into y: UnsafeMutablePointer<Float>, ldy: Int, partition: FixedPartition) {
        let k = w.inFeatures, n = w.outFeatures
        let blocks = (n + columnBlock - 1) / columnBlock
        w.weight.withUnsafeBufferPointer { weights in
            guard let wBase = weights.baseAddress else { return }
            let wp = UncheckedSendableBox(wBase), xp = UncheckedSendableBox(x), yp = UncheckedSendableBox(y)
            partition.forEach(blocks) { block in
                let n0 = block * columnBlock
                let nb = min(columnBlock, n - n0)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(nb), Int32(k), 1,
                            xp.value, Int32(k), wp.value + n0 * k, Int32(k), 0, yp.value + n0, Int32(ldy))
                if let bias = w.bias {
                    bias.withUnsafeBufferPointer { b in
                        for r in 0 ..< rows {
                            let row = yp.value + r * ldy
                            for j in n0 ..< n0 + nb { row[j] += b[j] }
                        }
                    }
                }
            }
        }
    }

    /// RMSNorm of each row: `weight * x / sqrt(mean(x^2) + eps)`.
    static func rmsNorm(_ x: UnsafePointer<Float>, rows: Int, width: Int, weight: [Float], epsilon: Float, into y: UnsafeMutablePointer<Float>) {
        weight.withUnsafeBufferPointer { w in
            for r in 0 ..< rows {
                let xr = x + r * width, yr = y + r * width
                var sum: Double = 0
                for i in 0 ..< width { sum += Double(xr[i]) * Double(xr[i]) }
                let variance = Float(sum / Double(width))
                let scale = 1 / (variance + epsilon).squareRoot()
                for i in 0 ..< width { yr[i] = w[i] * (xr[i] * scale) }
            }
        }
    }

    /// `gate[i] = silu(gate[i]) * up[i]`.
    static func swiGLU(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, count: Int) {
        for i in 0 ..< count {
            let g = gate[i]
            gate[i] = g / (1 + expf(-g)) * up[i]
        }
    }

    /// `gate[i] = gelu_tanh(gate[i]) * up[i]`, GELU's tanh approximation
    /// `0.5 g (1 + tanh(sqrt(2/pi) (g + 0.044715 g^3)))`.
    static func gegluTanh(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, count: Int) {
        let c = Float((2 / Double.pi).squareRoot())
        for i in 0 ..< count {
            let g = gate[i]
            gate[i] = 0.5 * g * (1 + tanhf(c * (g + 0.044715 * g * g * g))) * up[i]
        }
    }

    /// `x[i] = cap * tanh(x[i] / cap)`.
    static func softcap(_ x: UnsafeMutablePointer<Float>, count: Int, cap: Float) {
        for i in 0 ..< count { x[i] = cap * tanhf(x[i] / cap) }
    }

    static func add(_ x: UnsafeMutablePointer<Float>, _ y: UnsafePointer<Float>, count: Int) {
        for i in 0 ..< count { x[i] += y[i] }
    }

    /// In-place softmax of `row[first..<valid]`; the entries outside become 0.
    static func softmax(_ row: UnsafeMutablePointer<Float>, from first: Int = 0, valid: Int, width: Int) {
        var maximum = -Float.infinity
        for j in first ..< valid where row[j] > maximum { maximum = row[j] }
        var sum: Float = 0
        for j in 0 ..< first { row[j] = 0 }
        for j in first ..< valid {
            let e = expf(row[j] - maximum)
            row[j] = e
            sum += e
        }
        let inverse = 1 / sum
        for j in first ..< valid { row[j] *= inverse }
        for j in valid ..< width { row[j] = 0 }
    }
}
