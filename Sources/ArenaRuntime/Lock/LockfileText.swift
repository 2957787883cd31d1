import Foundation

/// A value on the right of `=` in a lockfile line: a TOML basic string, integer, float, boolean or
/// one-line array of strings.
public enum LockValue: Sendable, Equatable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case strings([String])

    var rendered: String {
        switch self {
        case let .string(s): return LockfileText.quote(s)
        case let .int(i): return String(i)
        case let .double(d): return LockfileText.float(d)
        case let .bool(b): return b ? "true" : "false"
        case let .strings(list): return "[" + list.map(LockfileText.quote).joined(separator: ", ") + "]"
        }
    }

    var typeName: String {
        switch self {
        case .string: return "a string"
        case .int: return "an integer"
        case .double: return "a number"
        case .bool: return "true or false"
        case .strings: return "a list of strings"
        }
    }
}

/// One `key = value` fact. The key is a dotted path; segments other than `[A-Za-z0-9_-]+` are quoted.
public struct LockEntry: Sendable, Equatable {
    public var key: [String]
    public var value: LockValue
    /// 1-based line in the file it was read from; 0 for entries made in memory.
    public var line: Int

    public init(_ key: [String], _ value: LockValue, line: Int = 0) {
        self.key = key
        self.value = value
        self.line = line
    }

    public var keyText: String { key.map(LockfileText.keySegment).joined(separator: ".") }
    public var rendered: String { "\(keyText) = \(value.rendered)" }
}

public struct LockfileSyntaxError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let line: Int
    public let message: String
    public var description: String { line > 0 ? "\(path):\(line): \(message)" : "\(path): \(message)" }
}

/// The line syntax of lockfiles (a subset of TOML: dotted keys, one fact per line, `#` comments).
public enum LockfileText {
    static func isBare(_ segment: String) -> Bool {
        !segment.isEmpty && segment.unicodeScalars.allSatisfy(isBareScalar)
    }

    static func isBareScalar(_ s: Unicode.Scalar) -> Bool {
        (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") || (s >= "0" && s <= "9") || s == "_" || s == "-"
    }

    static func keySegment(_ segment: String) -> String { isBare(segment) ? segment : quote(segment) }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f {
                    out += String(format: "\\u%04X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// Python's float repr, which always shows a `.` or an exponent, so the reader knows it is a float.
    static func float(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d > 0 ? "inf" : "-inf" }
        return PythonFloat.repr(d)
    }

    /// Parses the whole text; `path` only names the file in errors. Duplicate keys are errors.
    public static func parse(_ text: String, path: String) throws -> [LockEntry] {
        var entries: [LockEntry] = []
        var seen: [String: Int] = [:]
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            var cursor = LineCursor(scalars: Array(String(trimmed).unicodeScalars))
            let fail = { (message: String) in LockfileSyntaxError(path: path, line: lineNumber, message: message) }
            do {
                let key = try cursor.parseKey()
                cursor.skipSpaces()
                guard cursor.eat("=") else { throw fail("expected '=' after the key") }
                cursor.skipSpaces()
                let value = try cursor.parseValue()
                cursor.skipSpaces()
                if !cursor.atEnd && cursor.peek != "#" { throw fail("unexpected text after the value") }
                let entry = LockEntry(key, value, line: lineNumber)
                if let first = seen[entry.keyText] {
                    throw fail("'\(entry.keyText)' is already set on line \(first)")
                }
                seen[entry.keyText] = lineNumber
                entries.append(entry)
            } catch let error as LineCursor.Failure {
                throw fail(error.message)
            }
        }
        return entries
    }
}

private struct LineCursor {
    struct Failure: Error { let message: String }

    let scalars: [Unicode.Scalar]
    var index = 0

    var atEnd: Bool { index >= scalars.count }
    var peek: Unicode.Scalar? { atEnd ? nil : scalars[index] }

    mutating func skipSpaces() { while let c = peek, c == " " || c == "\t" { index += 1 } }

    mutating func eat(_ c: Unicode.Scalar) -> Bool {
        guard peek == c else { return false }
        index += 1
        return true
    }

    mutating func parseKey() throws -> [String] {
        var segments: [String] = []
        repeat {
            skipSpaces()
            if peek == "\"" {
                segments.append(try parseString())
            } else {
                var bare = ""
                while let c = peek, LockfileText.isBareScalar(c) { bare.unicodeScalars.append(c); index += 1 }
                guard !bare.isEmpty else { throw Failure(message: "expected a key") }
                segments.append(bare)
            }
            skipSpaces()
        } while eat(".")
        return segments
    }

    mutating func parseValue() throws -> LockValue {
        guard let c = peek else { throw Failure(message: "expected a value after '='") }
        if c == "\"" { return .string(try parseString()) }
        if c == "[" {
            index += 1
            var items: [String] = []
            skipSpaces()
            if eat("]") { return .strings([]) }
            while true {
                skipSpaces()
                guard peek == "\"" else { throw Failure(message: "a list may only hold strings") }
                items.append(try parseString())
                skipSpaces()
                if eat("]") { return .strings(items) }
                guard eat(",") else { throw Failure(message: "expected ',' or ']' in the list") }
            }
        }
        var word = ""
        while let c = peek, c != " ", c != "\t", c != "#" { word.unicodeScalars.append(c); index += 1 }
        switch word {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "nan": return .double(.nan)
        case "inf": return .double(.infinity)
        case "-inf": return .double(-.infinity)
        default: break
        }
        let looksFloat = word.contains(".") || word.contains("e") || word.contains("E")
        if !looksFloat, let i = Int(word) { return .int(i) }
        if looksFloat, let d = Double(word) { return .double(d) }
        throw Failure(message: "'\(word)' is not a string, number, boolean or list")
    }

    mutating func parseString() throws -> String {
        guard eat("\"") else { throw Failure(message: "expected '\"'") }
        var out = ""
        while let c = peek {
            index += 1
            if c == "\"" { return out }
            guard c == "\\" else { out.unicodeScalars.append(c); continue }
            guard let e = peek else { break }
            index += 1
            switch e {
            case "\"": out += "\""
            case "\\": out += "\\"
            case "n": out += "\n"
            case "t": out += "\t"
            case "r": out += "\r"
            case "u":
                guard index + 4 <= scalars.count,
                      let code = UInt32(String(String.UnicodeScalarView(scalars[index..<index + 4])), radix: 16),
                      let scalar = Unicode.Scalar(code) else { throw Failure(message: "bad \\u escape") }
                index += 4
                out.unicodeScalars.append(scalar)
            default: throw Failure(message: "unknown escape '\\\(e)'")
            }
        }
        throw Failure(message: "unterminated string")
    }
}
