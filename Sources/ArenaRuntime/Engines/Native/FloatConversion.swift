/// Conversions of stored weight formats to Float, exact for every finite value.
enum FloatConversion {
    /// bfloat16 is the upper half of a float32.
    @inline(__always)
    static func bfloat16(_ bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }

    /// IEEE 754 binary16 to binary32, including subnormals, infinities and NaN.
    static func float16(_ bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1f
        var mantissa = UInt32(bits & 0x03ff)
        if exponent == 0x1f {
            return Float(bitPattern: sign | 0x7f80_0000 | (mantissa << 13))
        }
        if exponent == 0 {
            if mantissa == 0 { return Float(bitPattern: sign) }
            var e: UInt32 = 127 - 15 + 1
            while mantissa & 0x0400 == 0 {
                mantissa <<= 1
                e -= 1
            }
            mantissa &= 0x03ff
            return Float(bitPattern: sign | (e << 23) | (mantissa << 13))
        }
        return Float(bitPattern: sign | ((exponent + 127 - 15) << 23) | (mantissa << 13))
    }

    /// All 65536 binary16 values, so bulk conversion is one table look-up per element.
    static let float16Table: [Float] = (0 ... UInt16.max).map { float16($0) }
}
