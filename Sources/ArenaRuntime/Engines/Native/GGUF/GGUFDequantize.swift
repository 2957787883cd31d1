import Foundation

/// Converts GGUF tensor data to Float, value for value as the `gguf` package's numpy
/// `gguf.quants.dequantize` does (the same products and sums in Float, in the same order, so the
/// results are bit-equal). Each type is a loop over whole blocks with no allocation.
enum GGUFDequantize {
    /// The types the native engine converts.
    static let supported: [GGMLType] = [.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1, .q5_0, .q5_1, .q2_K, .q3_K, .q4_K, .q5_K, .q6_K]

    /// Fills `out[0 ..< count]` from `raw`, which holds `count` elements of `type` (a whole number
    /// of blocks: the reader checks that). Returns false for a type it does not convert.
    static func convert(_ type: GGMLType, _ raw: UnsafeRawBufferPointer, count: Int, into out: UnsafeMutablePointer<Float>) -> Bool {
        guard count > 0, let src = raw.baseAddress else { return supported.contains(type) }
        let blocks = count / type.blockLayout.elements
        precondition(raw.count >= blocks * type.blockLayout.bytes, "tensor data shorter than its blocks")
        switch type {
        case .f32:
            UnsafeMutableRawPointer(out).copyMemory(from: src, byteCount: count * 4)
            #if _endian(big)
            for i in 0 ..< count { out[i] = Float(bitPattern: UInt32(littleEndian: out[i].bitPattern)) }
            #endif
        case .f16:
            FloatConversion.float16Table.withUnsafeBufferPointer { table in
                for i in 0 ..< count { out[i] = table[Int(half(src, 2 * i))] }
            }
        case .bf16:
            for i in 0 ..< count { out[i] = FloatConversion.bfloat16(half(src, 2 * i)) }
        case .q8_0: q8_0(src, blocks, out)
        case .q4_0: q4_0(src, blocks, out)
        case .q4_1: q4_1(src, blocks, out)
        case .q5_0: q5_0(src, blocks, out)
        case .q5_1: q5_1(src, blocks, out)
        case .q2_K: q2_K(src, blocks, out)
        case .q3_K: q3_K(src, blocks, out)
        case .q4_K: q4_K(src, blocks, out)
        case .q5_K: q5_K(src, blocks, out)
        case .q6_K: q6_K(src, blocks, out)
        default: return false
        }
        return true
    }

    /// A little-endian u16 at a byte offset (blocks are not aligned).
    @inline(__always)
    static func half(_ p: UnsafeRawPointer, _ offset: Int) -> UInt16 {
        UInt16(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    /// The f16 at a byte offset, as Float.
    @inline(__always)
    static func f16(_ table: UnsafeBufferPointer<Float>, _ p: UnsafeRawPointer, _ offset: Int) -> Float {
        table[Int(half(p, offset))]
    }

    @inline(__always)
    static func byte(_ p: UnsafeRawPointer, _ offset: Int) -> UInt8 {
        p.load(fromByteOffset: offset, as: UInt8.self)
    }

    // Legacy 32-element blocks. In each, element j < 16 is the low nibble of qs[j] and j + 16 its
    // high nibble; the 5-bit types add bit j of the little-endian u32 qh as bit 4.

    /// d (f16), 32 × int8: x·d.
    static func q8_0(_ src: UnsafeRawPointer, _ blocks: Int, _ out: UnsafeMutablePointer<Float>) {
        FloatConversion.float16Table.withUnsafeBufferPointer { table in
            for b in 0 ..< blocks {
                let p = src + b * 34, o = out + b * 32
                let d = f16(table, p, 0)
                for j in 0 ..< 32 { o[j] = Float(Int8(bitPattern: byte(p, 2 + j))) * d }
            }
        }
    }

    /// d (f16), qs[16]: d·(q − 8).
    static func q4_0(_ src: UnsafeRawPointer, _ blocks: Int, _ out: UnsafeMutablePointer<Float>) {
        FloatConversion.float16Table.withUnsafeBufferPointer { table in
            for b in 0 ..< blocks {
                let p = src + b * 18, o = out + b * 32
                let d = f16(table, p, 0)
                for j in 0 ..< 16 {
                    let q = byte(p, 2 + j)
                    o[j] = d * Float(Int(q & 0x0F) - 8)
                    o[j + 16] = d * Float(Int(q >> 4) - 8)
                }
            }
        }
    }

    /// d, m (f16), qs[16]: d·q + m.
    static func q4_1(_ src: UnsafeRawPointer, _ blocks: Int, _ out: UnsafeMutablePointer<Float>) {
        FloatConversion.float16Table.withUnsafeBufferPointer { table in
            for b in 0 ..< blocks {
                let p = src + b * 20, o = out + b * 32
                let d = f16(table, p, 0), m = f16(table, p, 2)
                for j in 0 ..< 16 {
                    let q = byte(p, 4 + j)
                    o[j] = d * Float(q & 0x0F) + m
                    o[j + 16] = d * Float(q >> 4) + m
                }
            }
        }
    }

    /// d (f16), qh (u32), qs[16]: d·(q − 16).
    static func q5_0(_ src: UnsafeRawPointer, _ blocks: Int, _ out: UnsafeMutablePointer<Float>) {
        FloatConversion.float16Table.withUnsafeBufferPointer { table in
            for b in 0 ..< blocks {
                let p = src + b * 22, o = out + b * 32
                let d = f16(table, p, 0)
                let qh = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
                for j in 0 ..< 16 {
                    let q = byte(p, 6 + j)
                    let lo = Int(q & 0x0F) | Int((qh >> UInt32(j)) & 1) << 4
                    let hi = Int(q >> 4) | Int((qh >> UInt32(j + 16)) & 1) << 4
                    o[j] = d * Float(lo - 16)
                    o[j + 16] = d * Float(hi - 16)
                }
            }
        }
    }

    /// d, m (f16), qh (u32), qs[16]: d·q + m.
    static func q5_1(_ src: UnsafeRawPointer, _ blocks: Int, _ out: UnsafeMutablePointer<Float>) {
        FloatConversion.float16Table.withUnsafeBufferPointer { table in
            for b in 0 ..< blocks {
                let p = src + b * 24, o = out + b * 32
                let d = f16(table, p, 0), m = f16(table, p, 2)
                let qh = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
                for j in 0 ..< 16 {
                    let q = byte(p, 8 + j)
                    let lo = UInt32(q & 0x0F) | ((qh >> UInt32(j)) & 1) << 4
                    let hi = UInt32(q >> 4) | ((qh >> UInt32(j + 16)) & 1) << 4
                    o[j] = d * Float(lo) + m
                    o[j + 16] = d * Float(hi) + m
                }
            }
        }
    }
}

extension GGUFFile {
    /// A tensor's values converted to Float, in row-major order (`shape`).
    public func floats(_ tensor: GGUFTensorInfo) throws -> [Float] {
        let count = tensor.elementCount
        var failure: Error?
        let values = [Float](unsafeUninitializedCapacity: count) { out, initialized in
            do {
                try floats(tensor, into: out)
                initialized = count
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return values
    }

    /// Converts a tensor's values into `out`, which holds at least `elementCount` Floats.
    public func floats(_ tensor: GGUFTensorInfo, into out: UnsafeMutableBufferPointer<Float>) throws {
        precondition(out.count >= tensor.elementCount, "output buffer smaller than the tensor")
        let converted = tensor.elementCount == 0 || out.baseAddress == nil
            ? GGUFDequantize.supported.contains(tensor.type)
            : GGUFDequantize.convert(tensor.type, data(of: tensor), count: tensor.elementCount, into: out.baseAddress!)
        guard converted else {
            throw NativeModelError.unsupportedTensorType(path: path, tensor: tensor.name, type: tensor.type.name,
                                                         supported: GGUFDequantize.supported.map(\.name))
        }
    }

    /// A tensor by name, checked against the row-major shape the model expects.
    public func floats(_ name: String, shape expected: [Int]) throws -> [Float] {
        guard let info = tensor(name) else { throw NativeModelError.missingTensor(name: name, searched: path) }
        guard info.shape == expected else { throw NativeModelError.wrongShape(path: path, tensor: name, expected: expected, found: info.shape) }
        return try floats(info)
    }
}
