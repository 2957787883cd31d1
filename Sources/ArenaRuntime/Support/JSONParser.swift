import Foundation

/// A strict recursive-descent JSON parser over UTF-8 bytes. Errors give the byte offset.
struct JSONParser {
    let bytes: [UInt8]
    var index = 0
    var depth = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func parseDocument() throws -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        guard index == bytes.count else { throw error("unexpected data after the JSON value") }
        return value
    }

    /// `parseDocument`, noting every object's keys in the order the text gives them into `order`
    /// (merged with what it holds: the rows of one file share it).
    mutating func parseDocument(recording order: inout JSONKeyOrder) throws -> JSONValue {
        skipWhitespace()
        let value = try parseValue(recording: &order)
        skipWhitespace()
        guard index == bytes.count else { throw error("unexpected data after the JSON value") }
        return value
    }

    /// `parseValue` with the key order of its objects noted (the value is built as `parseValue` builds it).
    mutating func parseValue(recording order: inout JSONKeyOrder) throws -> JSONValue {
        try parseValue(noting: &order)
    }

    func error(_ message: String) -> JSONParseError {
        JSONParseError(message: "malformed JSON at byte \(index): \(message)")
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    mutating func parseValue() throws -> JSONValue {
        var ignored = IgnoredKeyOrder()
        return try parseValue(noting: &ignored)
    }

    /// The one parse of a value: `order` notes each object's keys as they come (a no-op for
    /// `parseValue()`; specialized away by the compiler).
    private mutating func parseValue<Order: KeyOrderNoting>(noting order: inout Order) throws -> JSONValue {
        guard index < bytes.count else { throw error("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(noting: &order)
        case UInt8(ascii: "["): return try parseArray(noting: &order)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "N"): try expectLiteral("NaN"); return .double(.nan)
        case UInt8(ascii: "I"): try expectLiteral("Infinity"); return .double(.infinity)
        default: return try parseNumber()
        }
    }

    private mutating func expectLiteral(_ literal: String) throws {
        let lit = Array(literal.utf8)
        guard index + lit.count <= bytes.count, Array(bytes[index..<index + lit.count]) == lit else {
            throw error("invalid literal")
        }
        index += lit.count
    }

    mutating func enter() throws {
        depth += 1
        if depth > 512 { throw error("nesting deeper than 512 levels") }
    }

    private mutating func parseObject<Order: KeyOrderNoting>(noting order: inout Order) throws -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        var fields: [String: JSONValue] = [:]
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(fields) }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
            index += 1
            skipWhitespace()
            fields[key] = try order.withField(key) { try parseValue(noting: &$0) }
            skipWhitespace()
            guard index < bytes.count else { throw error("unterminated object") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(fields) }
            throw error("expected ',' or '}'")
        }
    }

    private mutating func parseArray<Order: KeyOrderNoting>(noting order: inout Order) throws -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
        while true {
            skipWhitespace()
            items.append(try order.withElements { try parseValue(noting: &$0) })
            skipWhitespace()
            guard index < bytes.count else { throw error("unterminated array") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
            throw error("expected ',' or ']'")
        }
    }

    mutating func parseString() throws -> String {
        index += 1
        // Fast path: no escapes before the closing quote, so the bytes are the string.
        var end = index
        while end < bytes.count {
            let b = bytes[end]
            if b == UInt8(ascii: "\"") {
                let text = String(decoding: bytes[index..<end], as: UTF8.self)
                index = end + 1
                return text
            }
            if b == UInt8(ascii: "\\") || b < 0x20 { break }
            end += 1
        }
        var out = [UInt8](bytes[index..<end])
        index = end
        while true {
            guard index < bytes.count else { throw error("unterminated string") }
            let b = bytes[index]
            if b == UInt8(ascii: "\"") { index += 1; break }
            if b < 0x20 { throw error("control character in string") }
            if b != UInt8(ascii: "\\") { out.append(b); index += 1; continue }
            index += 1
            guard index < bytes.count else { throw error("unterminated escape") }
            let e = bytes[index]
            index += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try parseHex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    // A high surrogate must be followed by \u and a low surrogate.
                    if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                        index += 2
                        let low = try parseHex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw error("invalid surrogate pair") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        scalar = 0xFFFD
                    }
                } else if (0xDC00..<0xE000).contains(scalar) {
                    scalar = 0xFFFD
                }
                let s = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                out.append(contentsOf: Array(String(Character(s)).utf8))
            default:
                throw error("invalid escape")
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func parseHex4() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[index]
            index += 1
            value <<= 4
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value |= UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value |= UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value |= UInt32(c - UInt8(ascii: "A") + 10)
            default: throw error("invalid hex digit in \\u escape")
            }
        }
        return value
    }

    private mutating func parseNumber() throws -> JSONValue {
        let start = index
        var isInteger = true
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "I") {
                try expectLiteral("Infinity")
                return .double(-.infinity)
            }
        }
        // The digits as an integer mantissa and a decimal scale, while they are at most 15
        // significant ones (then one IEEE operation gives the correctly rounded value).
        var mantissa: UInt64 = 0
        var significant = 0
        var scale = 0
        let digitsStart = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
            let digit = bytes[index] - UInt8(ascii: "0")
            if mantissa != 0 || digit != 0 { significant += 1 }
            if significant <= 15 { mantissa = mantissa * 10 + UInt64(digit) }
            index += 1
        }
        guard index > digitsStart else { throw error("invalid value") }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            let fracStart = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                let digit = bytes[index] - UInt8(ascii: "0")
                if mantissa != 0 || digit != 0 { significant += 1 }
                if significant <= 15 {
                    mantissa = mantissa * 10 + UInt64(digit)
                    scale -= 1
                }
                index += 1
            }
            guard index > fracStart else { throw error("digits expected after '.'") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            var exponentNegative = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            let expStart = index
            var exponent = 0
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                if exponent < 100_000 { exponent = exponent * 10 + Int(bytes[index] - UInt8(ascii: "0")) }
                index += 1
            }
            guard index > expStart else { throw error("digits expected in exponent") }
            scale += exponentNegative ? -exponent : exponent
        }
        if !isInteger, significant <= 15, mantissa == 0 || (-22...22).contains(scale) {
            var value = Double(mantissa)
            if mantissa != 0 { value = scale < 0 ? value / exactPowersOfTen[-scale] : value * exactPowersOfTen[scale] }
            return .double(bytes[start] == UInt8(ascii: "-") ? -value : value)
        }
        let length = index - start
        if isInteger, length <= 18 {
            // Up to 18 digits (and a sign) always fit in an Int.
            var value = 0
            var position = start
            let negative = bytes[position] == UInt8(ascii: "-")
            if negative { position += 1 }
            while position < index {
                value = value * 10 + Int(bytes[position] - UInt8(ascii: "0"))
                position += 1
            }
            return .int(negative ? -value : value)
        }
        if isInteger, let i = Int(String(decoding: bytes[start..<index], as: UTF8.self)) { return .int(i) }
        // strtod on a NUL-terminated copy: correctly rounded, and no String to build.
        let parsed: Double? = withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { buffer in
            for k in 0..<length { buffer[k] = CChar(bitPattern: bytes[start + k]) }
            buffer[length] = 0
            guard let base = buffer.baseAddress else { return nil }
            var endPointer: UnsafeMutablePointer<CChar>?
            let value = strtod(base, &endPointer)
            return endPointer == base + length ? value : nil
        }
        guard let d = parsed else { throw error("invalid number") }
        return .double(d)
    }
}

/// Powers of ten that a Double holds exactly (10^0 ... 10^22).
private let exactPowersOfTen: [Double] = (0...22).map { k in (0..<k).reduce(1.0) { value, _ in value * 10 } }

extension JSONParser {
    // MARK: Streaming access for decoders that keep only some fields of a large document.

    /// The next non-whitespace byte, not consumed; nil at the end.
    mutating func peekByte() -> UInt8? {
        skipWhitespace()
        return index < bytes.count ? bytes[index] : nil
    }

    /// Calls `member` with each key of the object that starts here; `member` must consume the value
    /// (by `parseValue`, `skipValue` or another streaming call).
    mutating func forEachMember(_ member: (inout JSONParser, String) throws -> Void) throws {
        guard peekByte() == UInt8(ascii: "{") else { throw error("expected an object") }
        try enter()
        defer { depth -= 1 }
        index += 1
        if peekByte() == UInt8(ascii: "}") { index += 1; return }
        while true {
            guard peekByte() == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let key = try parseString()
            guard peekByte() == UInt8(ascii: ":") else { throw error("expected ':'") }
            index += 1
            skipWhitespace()
            try member(&self, key)
            guard let next = peekByte() else { throw error("unterminated object") }
            index += 1
            if next == UInt8(ascii: ",") { continue }
            if next == UInt8(ascii: "}") { return }
            index -= 1
            throw error("expected ',' or '}'")
        }
    }

    /// Calls `element` for each element of the array that starts here; `element` must consume it.
    mutating func forEachElement(_ element: (inout JSONParser) throws -> Void) throws {
        guard peekByte() == UInt8(ascii: "[") else { throw error("expected an array") }
        try enter()
        defer { depth -= 1 }
        index += 1
        if peekByte() == UInt8(ascii: "]") { index += 1; return }
        while true {
            skipWhitespace()
            try element(&self)
            guard let next = peekByte() else { throw error("unterminated array") }
            index += 1
            if next == UInt8(ascii: ",") { continue }
            if next == UInt8(ascii: "]") { return }
            index -= 1
            throw error("expected ',' or ']'")
        }
    }

    /// Checks and steps over one value without building it: the same grammar as `parseValue`.
    mutating func skipValue() throws {
        guard let first = peekByte() else { throw error("unexpected end of input") }
        switch first {
        case UInt8(ascii: "{"): try forEachMember { parser, _ in try parser.skipValue() }
        case UInt8(ascii: "["): try forEachElement { parser in try parser.skipValue() }
        case UInt8(ascii: "\""): try skipString()
        default: _ = try parseValue()
        }
    }

    /// Steps over a string, checking control characters as `parseString` does; a string with
    /// escapes (rare in what is skipped) goes through `parseString` itself.
    private mutating func skipString() throws {
        let start = index
        index += 1
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: "\"") { index += 1; return }
            if b == UInt8(ascii: "\\") {
                index = start
                _ = try parseString()
                return
            }
            if b < 0x20 { throw error("control character in string") }
            index += 1
        }
        throw error("unterminated string")
    }

    /// The value of an object that has exactly one member, its key checked but not built; nil, with
    /// nothing consumed, for anything else (which the caller then reads member by member).
    mutating func onlyMemberValue() throws -> JSONValue? {
        let saved = index
        guard peekByte() == UInt8(ascii: "{") else { return nil }
        index += 1
        guard peekByte() == UInt8(ascii: "\"") else { index = saved; return nil }
        try skipString()
        guard peekByte() == UInt8(ascii: ":") else { index = saved; return nil }
        index += 1
        skipWhitespace()
        try enter()
        let value = try parseValue()
        depth -= 1
        guard peekByte() == UInt8(ascii: "}") else { index = saved; return nil }
        index += 1
        return value
    }

    /// Requires that only whitespace follows.
    mutating func finishDocument() throws {
        skipWhitespace()
        guard index == bytes.count else { throw error("unexpected data after the JSON value") }
    }
}
