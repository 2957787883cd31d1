import Foundation

/// The `normalizer` of a `tokenizer.json`.
indirect enum Normalizer: Sendable {
    case nfc, nfd, nfkc, nfkd, lowercase
    case prepend(String)
    case replace(pattern: String, content: String)
    case strip(left: Bool, right: Bool)
    case sequence([Normalizer])

    init(_ value: JSONValue, field: String, reader: TokenizerJSONReader) throws {
        let object = try reader.object(value, field)
        let type = try reader.type(object, field)
        switch type {
        case "NFC": self = .nfc
        case "NFD": self = .nfd
        case "NFKC": self = .nfkc
        case "NFKD": self = .nfkd
        case "Lowercase": self = .lowercase
        case "Prepend": self = .prepend(try reader.string(object["prepend"], field + ".prepend"))
        case "Replace":
            let pattern = try reader.pattern(object["pattern"], field + ".pattern")
            guard !pattern.isRegex else { throw reader.unsupported(field + ".pattern.Regex", "\"\(pattern.text)\" (only String patterns)") }
            guard !pattern.text.isEmpty else { throw reader.invalid(field + ".pattern.String", "must not be empty") }
            self = .replace(pattern: pattern.text, content: try reader.string(object["content"], field + ".content"))
        case "Strip":
            self = .strip(left: try reader.bool(object["strip_left"], field + ".strip_left", default: true),
                          right: try reader.bool(object["strip_right"], field + ".strip_right", default: true))
        case "Sequence":
            let items = try reader.array(object["normalizers"], field + ".normalizers")
            self = .sequence(try items.enumerated().map { try Normalizer($1, field: "\(field).normalizers[\($0)]", reader: reader) })
        default:
            throw reader.unsupported(field + ".type", "\"\(type)\"")
        }
    }

    func normalize(_ text: String) -> String {
        switch self {
        case .nfc: return text.precomposedStringWithCanonicalMapping
        case .nfd: return text.decomposedStringWithCanonicalMapping
        case .nfkc: return text.precomposedStringWithCompatibilityMapping
        case .nfkd: return text.decomposedStringWithCompatibilityMapping
        case .lowercase: return text.lowercased()
        case let .prepend(prefix): return text.isEmpty ? text : prefix + text
        case let .replace(pattern, content): return TextBytes.replacing(text, pattern, with: content)
        case let .strip(left, right):
            var scalars = Substring(text).unicodeScalars[...]
            if left { while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() } }
            if right { while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() } }
            return String(String.UnicodeScalarView(scalars))
        case let .sequence(items): return items.reduce(text) { $1.normalize($0) }
        }
    }
}

/// Byte-exact string operations (Swift's String comparisons treat canonically equivalent
/// strings as equal, which a tokenizer must not).
enum TextBytes {
    /// Every non-overlapping occurrence of `pattern`, left to right, replaced by `content`.
    static func replacing(_ text: String, _ pattern: String, with content: String) -> String {
        let source = Array(text.utf8), needle = Array(pattern.utf8), replacement = Array(content.utf8)
        guard !needle.isEmpty, source.count >= needle.count else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(source.count)
        var i = 0
        while i < source.count {
            if source[i] == needle[0], i + needle.count <= source.count, source[i..<(i + needle.count)].elementsEqual(needle) {
                out.append(contentsOf: replacement)
                i += needle.count
            } else {
                out.append(source[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
