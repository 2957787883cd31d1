/// The k-quant super-blocks of 256 elements (Q2_K to Q6_K), element order and arithmetic as in
/// `gguf.quants` (and ggml's reference dequantize_row_*).
extension GGUFDequantize {
    /// scales[16] (4-bit scale, 4-bit min), qs[64] (2-bit), d, dmin (f16): (d·sc)·q − dmin·m.
    /// Element f = 128h + 32s + l is bits 2s of qs[32h + l]; group f / 16 owns scales[f / 16].
    static func q2_K(_ src: UnsafeRawPointer, _ blocks: Int, _ out: UnsafeMutablePointer<Float>) {
        FloatConversion.float16Table.withUnsafeBufferPointer { table in
            for b in 0 ..< blocks {
                let p = src + b * 84, o = out + b * 256
                let d = f16(table, p, 80), dmin = f16(table, p, 82)
                for g in 0 ..< 16 {
                    let sc = byte(p, g)
                    let dl = d * Float(sc & 0x0F), ml = dmin * Float(sc >> 4)
                    let h = g / 8, s = (g / 2) % 4, l0 = (g % 2) * 16
                    for i in 0 ..< 16 {
                        let q = (byte(p, 16 + 32 * h + l0 + i) >> UInt8(2 * s)) & 3
                        o[16 * g + i] = dl * Float(q) - ml
                    }
                }
            }
        }
    }

    /// hmask[32], qs[64] (2-bit), scales[12] (16 six-bit scales), d (f16): (d·(sc − 32))·q, where
    /// q = low 2 bits − 4 when the hmask bit is clear.
    static func q3_K(_ src: UnsafeRawPointer, _ blocks: Int, _ out: UnsafeMutablePointer<Float>) {
        FloatConversion.float16Table.withUnsafeBufferPointer { table in
            for b in 0 ..< blocks {
                let p = src + b * 110, o = out + b * 256
                let d = f16(table, p, 108)
                for g in 0 ..< 16 {
                    let low = g < 8 ? byte(p, 96 + g) & 0x0F : byte(p, 96 + g - 8) >> 4
                    let high = (byte(p, 96 + 8 + g % 4) >> UInt8(2 * (g / 4))) & 3
                    let dl = d * Float(Int(low | high << 4) - 32)
                    let h = g / 8, s = (g / 2) % 4, bit = UInt8(g / 2), l0 = (g % 2) * 16
                    for i in 0 ..< 16 {
                        let l = l0 + i
                        let ql = Int((byte(p, 32 + 32 * h + l) >> UInt8(2 * s)) & 3)
                        let set = (byte(p, l) >> bit) & 1
                        o[16 * g + i] = dl * Float(set == 1 ? ql : ql - 4)
                    }
                }
            }
        }
    }

    /// The eight 6-bit scales and mins packed in 12 bytes (Q4_K, Q5_K).
    @inline(__always)
    static func scaleMin(_ p: UnsafeRawPointer, _ j: Int) -> (scale: UInt8, min: UInt8) {
        if j < 4 { return (byte(p, j) & 63, byte(p, j + 4) & 63) }
        let md = byte(p, j + 4)
        return ((md & 0x0F) | ((byte(p, j - 4) >> 2) & 0x30), (md >> 4) | ((byte(p, j) >> 2) & 0x30))
    }

    /// d, dmin (f16), scales[12], qs[128]: (d·sc)·q − dmin·m over eight sub-blocks of 32; sub-block
    /// 2c + n is nibble n of qs[32c ..< 32c + 32].
    static func q4_K(_ src: UnsafeRawPointer, _ blocks: Int, _ out: UnsafeMutablePointer<Float>) {
        FloatConversion.float16Table.withUnsafeBufferPointer { table in
            for b in 0 ..< blocks {
                let p = src + b * 144, o = out + b * 256
                let d = f16(table, p, 0), dmin = f16(table, p, 2)
                for j in 0 ..< 8 {
                    let (sc, m) = scaleMin(p + 4, j)
                    let ds = d * Float(sc), dm = dmin * Float(m)
                    let q = p + 16 + 32 * (j / 2), shift = UInt8(4 * (j % 2))
                    for l in 0 ..< 32 { o[32 * j + l] = ds * Float((byte(q, l) >> shift) & 0x0F) - dm }
                }
            }
        }
    }

    /// d, dmin (f16), scales[12], qh[32], qs[128]: as Q4_K with bit j of qh[l] as bit 4 of
    /// element l of sub-block j.
    static func q5_K(_ src: UnsafeRawPointer, _ blocks: Int, _ out: UnsafeMutablePointer<Float>) {
        FloatConversion.float16Table.withUnsafeBufferPointer { table in
            for b in 0 ..< blocks {
                let p = src + b * 176, o = out + b * 256
                let d = f16(table, p, 0), dmin = f16(table, p, 2)
                for j in 0 ..< 8 {
                    let (sc, m) = scaleMin(p + 4, j)
                    let ds = d * Float(sc), dm = dmin * Float(m)
                    let q = p + 48 + 32 * (j / 2), shift = UInt8(4 * (j % 2)), bit = UInt8(j)
                    for l in 0 ..< 32 {
                        let value = (byte(q, l) >> shift) & 0x0F | ((byte(p, 16 + l) >> bit) & 1) << 4
                        o[32 * j + l] = ds * Float(value) - dm
                    }
                }
            }
        }
    }

    /// ql[128], qh[64], scales[16] (int8), d (f16): (d·sc)·(q − 32). Element f = 128h + 64n + k
    /// takes nibble n of ql[64h + k] and, with f = 128h + 32s + l, bits 2s of qh[32h + l].
    static func q6_K(_ src: UnsafeRawPointer, _ blocks: Int, _ out: UnsafeMutablePointer<Float>) {
        FloatConversion.float16Table.withUnsafeBufferPointer { table in
            for b in 0 ..< blocks {
                let p = src + b * 210, o = out + b * 256
                let d = f16(table, p, 208)
                for g in 0 ..< 16 {
                    let dl = d * Float(Int8(bitPattern: byte(p, 192 + g)))
                    let h = g / 8, n = (g / 4) % 2, k0 = (g % 4) * 16
                    let s = (g / 2) % 4, l0 = (g % 2) * 16
                    for i in 0 ..< 16 {
                        let low = (byte(p, 64 * h + k0 + i) >> UInt8(4 * n)) & 0x0F
                        let high = (byte(p, 128 + 32 * h + l0 + i) >> UInt8(2 * s)) & 3
                        o[16 * g + i] = dl * Float(Int(low | high << 4) - 32)
                    }
                }
            }
        }
    }
}
