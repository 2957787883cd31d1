/// Python's `float(str)` and `str(float)`, which DROP's answer normalisation uses to decide what
/// is a number and how to spell it.
public enum PythonNumber {
    /// `float(text)`, or nil where Python raises ValueError. Follows CPython: non-ASCII whitespace
    /// becomes a space and non-ASCII decimal digits become ASCII digits first; surrounding ASCII
    /// whitespace is ignored; underscores are allowed only between two digits; `inf`,
    /// `infinity` and `nan` are accepted in any case with an optional sign.
    public static func parseFloat(_ text: String) -> Double? {
        var ascii: [UInt8] = []
        ascii.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if scalar.value < 127 {
                ascii.append(UInt8(scalar.value))
            } else if PythonText.isSpace(scalar) {
                ascii.append(0x20)
            } else if scalar.properties.numericType == .decimal, let digit = scalar.properties.numericValue,
                      digit >= 0, digit <= 9 {
                ascii.append(0x30 + UInt8(digit))
            } else {
                return nil
            }
        }
        if ascii.contains(0x5F) {
            guard let cleaned = removingUnderscores(ascii) else { return nil }
            ascii = cleaned
        }
        let isASCIISpace: (UInt8) -> Bool = { $0 == 0x20 || (0x09...0x0D).contains($0) }
        var start = 0
        var end = ascii.count
        while start < end, isASCIISpace(ascii[start]) { start += 1 }
        while end > start, isASCIISpace(ascii[end - 1]) { end -= 1 }
        let body = Array(ascii[start..<end])
        guard !body.isEmpty else { return nil }
        var index = 0
        var negative = false
        if body[0] == 0x2B || body[0] == 0x2D { negative = body[0] == 0x2D; index = 1 }
        let rest = String(decoding: body[index...], as: UTF8.self).lowercased()
        if rest == "inf" || rest == "infinity" { return negative ? -Double.infinity : Double.infinity }
        if rest == "nan" { return negative ? -Double.nan : Double.nan }
        guard isDecimalLiteral(Array(body[index...])) else { return nil }
        return Double(String(decoding: body, as: UTF8.self))
    }

    public static func isFloat(_ text: String) -> Bool { parseFloat(text) != nil }

    /// `str(float)` / `repr(float)`: shortest round-trip digits, `nan`, `inf`, `-inf`.
    public static func str(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        return PythonFloat.repr(value)
    }

    /// CPython's `_Py_string_to_number_with_underscores`: every `_` must sit between two digits.
    private static func removingUnderscores(_ bytes: [UInt8]) -> [UInt8]? {
        let isDigit: (UInt8) -> Bool = { (0x30...0x39).contains($0) }
        var out: [UInt8] = []
        var previous: UInt8 = 0
        for (i, byte) in bytes.enumerated() {
            if byte == 0x5F {
                guard isDigit(previous), i + 1 < bytes.count, isDigit(bytes[i + 1]) else { return nil }
            } else {
                out.append(byte)
            }
            previous = byte
        }
        return out
    }

    /// digits [. digits] | . digits, then optionally e|E [sign] digits; nothing else.
    private static func isDecimalLiteral(_ bytes: [UInt8]) -> Bool {
        let isDigit: (UInt8) -> Bool = { (0x30...0x39).contains($0) }
        var i = 0
        var mantissaDigits = 0
        while i < bytes.count, isDigit(bytes[i]) { i += 1; mantissaDigits += 1 }
        if i < bytes.count, bytes[i] == 0x2E {
            i += 1
            while i < bytes.count, isDigit(bytes[i]) { i += 1; mantissaDigits += 1 }
        }
        guard mantissaDigits > 0 else { return false }
        if i < bytes.count, bytes[i] == 0x65 || bytes[i] == 0x45 {
            i += 1
            if i < bytes.count, bytes[i] == 0x2B || bytes[i] == 0x2D { i += 1 }
            var exponentDigits = 0
            while i < bytes.count, isDigit(bytes[i]) { i += 1; exponentDigits += 1 }
            guard exponentDigits > 0 else { return false }
        }
        return i == bytes.count
    }
}
