import Foundation

/// A JSON document as a closed value type. Serialization is canonical: object keys sorted by
/// their UTF-8 bytes, floats in Python's `repr` format (so files match what lm-eval writes),
/// no dependence on dictionary order.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public subscript(key: String) -> JSONValue? {
        if case let .object(fields) = self { return fields[key] }
        return nil
    }

    public var stringValue: String? { if case let .string(s) = self { return s }; return nil }
    public var arrayValue: [JSONValue]? { if case let .array(a) = self { return a }; return nil }
    public var objectValue: [String: JSONValue]? { if case let .object(o) = self { return o }; return nil }
    public var boolValue: Bool? { if case let .bool(b) = self { return b }; return nil }
    public var doubleValue: Double? {
        switch self {
        case let .double(d): return d
        case let .int(i): return Double(i)
        default: return nil
        }
    }
    public var intValue: Int? {
        switch self {
        case let .int(i): return i
        case let .double(d) where d.rounded() == d && abs(d) < 9.0e15: return Int(d)
        default: return nil
        }
    }
}

// MARK: - Parsing

public struct JSONParseError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

extension JSONValue {
    /// Parses JSON text (RFC 8259). Numbers without fraction or exponent that fit in `Int` stay `.int`.
    public static func parse(_ data: Data) throws -> JSONValue {
        var parser = JSONParser(bytes: [UInt8](data))
        return try parser.parseDocument()
    }

    public static func parse(_ text: String) throws -> JSONValue {
        try parse(Data(text.utf8))
    }
}

// MARK: - Canonical serialization

extension JSONValue {
    /// Canonical text: sorted keys, Python float repr. `indent` nil gives the compact form
    /// (`{"a":1,"b":[1,2]}`); an indent gives one member per line.
    public func serialized(indent: Int? = 2) -> String {
        var out: [UInt8] = []
        write(into: &out, indent: indent, level: 0, order: nil)
        return String(decoding: out, as: UTF8.self)
    }

    /// The same text with object keys in `keyOrder` (the data's own order) where it knows them:
    /// what is handed to a program that reads key order (lm-eval's datasets), never hashed content.
    public func serialized(indent: Int?, keyOrder: JSONKeyOrder) -> String {
        var out: [UInt8] = []
        write(into: &out, indent: indent, level: 0, order: keyOrder)
        return String(decoding: out, as: UTF8.self)
    }

    /// `serialized(indent:)` as UTF-8, with a final newline when indented. Written straight into
    /// bytes: request bodies are serialized by the thousand (token ids in every completions request).
    public func serializedData(indent: Int? = 2) -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(into: &out, indent: indent, level: 0, order: nil)
        if indent != nil { out.append(UInt8(ascii: "\n")) }
        return Data(out)
    }

    private func write(into out: inout [UInt8], indent: Int?, level: Int, order: JSONKeyOrder?) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case let .bool(b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case let .int(i): JSONValue.writeInt(i, into: &out)
        case let .double(d): out.append(contentsOf: PythonFloat.repr(d).utf8)
        case let .string(s): JSONValue.writeString(s, into: &out)
        case let .array(items):
            if items.isEmpty { out.append(contentsOf: "[]".utf8); return }
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONValue.newline(&out, indent: indent, level: level + 1)
                item.write(into: &out, indent: indent, level: level + 1, order: order?.elements)
            }
            JSONValue.newline(&out, indent: indent, level: level)
            out.append(UInt8(ascii: "]"))
        case let .object(fields):
            if fields.isEmpty { out.append(contentsOf: "{}".utf8); return }
            out.append(UInt8(ascii: "{"))
            let keys = order?.arranged(fields.keys) ?? fields.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (i, key) in keys.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONValue.newline(&out, indent: indent, level: level + 1)
                JSONValue.writeString(key, into: &out)
                out.append(contentsOf: (indent == nil ? ":" : ": ").utf8)
                fields[key]?.write(into: &out, indent: indent, level: level + 1, order: order?.fields[key])
            }
            JSONValue.newline(&out, indent: indent, level: level)
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func newline(_ out: inout [UInt8], indent: Int?, level: Int) {
        guard let indent else { return }
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * level))
    }

    private static func writeInt(_ value: Int, into out: inout [UInt8]) {
        if value >= 0, value < 10 { out.append(UInt8(ascii: "0") + UInt8(value)); return }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch, enough for 20 digits
        let count = withUnsafeMutableBytes(of: &digits) { buffer -> Int in
            var n = 0
            repeat {
                buffer[23 - n] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                n += 1
            } while magnitude > 0
            return n
        }
        if value < 0 { out.append(UInt8(ascii: "-")) }
        withUnsafeBytes(of: &digits) { buffer in out.append(contentsOf: buffer[(24 - count)...]) }
    }

    /// JSON string escaping: `"`, `\`, `\n`, `\r`, `\t`, `\b`, `\f` as two-byte escapes, other
    /// control characters as `\u00xx`, everything else (non-ASCII included) as its UTF-8 bytes.
    private static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(byte)
            case 0x0A: out.append(contentsOf: "\\n".utf8)
            case 0x0D: out.append(contentsOf: "\\r".utf8)
            case 0x09: out.append(contentsOf: "\\t".utf8)
            case 0x08: out.append(contentsOf: "\\b".utf8)
            case 0x0C: out.append(contentsOf: "\\f".utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: "\\u00".utf8)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// Python's `repr(float)`: the shortest digits that round-trip, fixed notation for decimal
/// exponents in [-4, 16), scientific (`1e-05`, `1.5e+16`) otherwise; `NaN`, `Infinity` as
/// Python's json module writes them.
public enum PythonFloat {
    public static func repr(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }
        // Swift's description yields the shortest round-trip digits; re-render them Python's way.
        let text = "\(abs(value))"
        var mantissa = text
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = String(text[..<e])
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        var digits = ""
        var pointPosition = 0
        if let dot = mantissa.firstIndex(of: ".") {
            let intPart = mantissa[..<dot]
            let fracPart = mantissa[mantissa.index(after: dot)...]
            digits = String(intPart) + String(fracPart)
            pointPosition = intPart.count
        } else {
            digits = mantissa
            pointPosition = mantissa.count
        }
        // Strip leading zeros (adjusting the point) and trailing zeros.
        while digits.count > 1, digits.first == "0" {
            digits.removeFirst()
            pointPosition -= 1
        }
        while digits.count > 1, digits.last == "0" { digits.removeLast() }
        // value = 0.d1d2... × 10^(pointPosition + exponent); scientific exponent is one less.
        let sciExponent = pointPosition + exponent - 1
        let sign = value < 0 ? "-" : ""
        if sciExponent >= -4 && sciExponent < 16 {
            let decimalPoint = sciExponent + 1
            if decimalPoint <= 0 {
                return sign + "0." + String(repeating: "0", count: -decimalPoint) + digits
            } else if decimalPoint >= digits.count {
                return sign + digits + String(repeating: "0", count: decimalPoint - digits.count) + ".0"
            } else {
                let idx = digits.index(digits.startIndex, offsetBy: decimalPoint)
                return sign + digits[..<idx] + "." + digits[idx...]
            }
        }
        var result = sign + String(digits.first!)
        if digits.count > 1 { result += "." + digits.dropFirst() }
        let expSign = sciExponent < 0 ? "-" : "+"
        let expDigits = String(abs(sciExponent))
        result += "e" + expSign + (expDigits.count < 2 ? "0" + expDigits : expDigits)
        return result
    }
}
