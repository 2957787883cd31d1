/// One entry of `added_tokens`.
struct AddedToken: Sendable {
    let id: Int
    let content: String
    let bytes: [UInt8]
    let singleWord: Bool
    let lstrip: Bool
    let rstrip: Bool
    let normalized: Bool
    let special: Bool
}

/// A piece of input after added tokens are split out: text still to tokenize, or a token's id.
enum AddedTokenSegment: Equatable {
    case text([UInt8])
    case token(Int)
}

/// Finds added tokens in text as the `tokenizers` library does: leftmost-longest matches over the
/// UTF-8 bytes, `single_word` matches only between non-word characters, `lstrip`/`rstrip` take
/// the neighbouring whitespace into the token.
struct AddedTokenMatcher: Sendable {
    /// Tokens by their first byte, longest first.
    private let byFirstByte: [UInt8: [AddedToken]]

    init(_ tokens: [AddedToken]) {
        var map: [UInt8: [AddedToken]] = [:]
        for token in tokens { if let first = token.bytes.first { map[first, default: []].append(token) } }
        byFirstByte = map.mapValues { $0.sorted { $0.bytes.count > $1.bytes.count } }
    }

    var isEmpty: Bool { byFirstByte.isEmpty }

    func split(_ text: [UInt8]) -> [AddedTokenSegment] {
        guard !isEmpty, !text.isEmpty else { return text.isEmpty ? [] : [.text(text)] }
        var segments: [AddedTokenSegment] = []
        var offset = 0   // end of what is already in `segments`
        var i = 0
        while i < text.count {
            guard let token = longestMatch(in: text, at: i) else { i += 1; continue }
            var start = i
            var stop = i + token.bytes.count
            i = stop
            if token.singleWord {
                let startsWord = start > 0 && Self.isWordCharacter(Self.scalar(before: start, in: text))
                let endsWord = stop < text.count && Self.isWordCharacter(Self.scalar(at: stop, in: text))
                if startsWord || endsWord { continue }
            }
            if token.lstrip {
                var s = start
                while s > offset, let scalar = Self.scalar(before: s, in: text), scalar.properties.isWhitespace { s -= String(scalar).utf8.count }
                start = max(s, offset)
            }
            if token.rstrip {
                while stop < text.count, let scalar = Self.scalar(at: stop, in: text), scalar.properties.isWhitespace { stop += String(scalar).utf8.count }
                i = stop
            }
            if offset < start { segments.append(.text(Array(text[offset..<start]))) }
            segments.append(.token(token.id))
            offset = stop
        }
        if offset < text.count { segments.append(.text(Array(text[offset...]))) }
        return segments
    }

    private func longestMatch(in text: [UInt8], at i: Int) -> AddedToken? {
        guard let candidates = byFirstByte[text[i]] else { return nil }
        for token in candidates where i + token.bytes.count <= text.count {
            if text[i..<(i + token.bytes.count)].elementsEqual(token.bytes) { return token }
        }
        return nil
    }

    private static func scalar(at index: Int, in text: [UInt8]) -> Unicode.Scalar? {
        let end = min(index + BPEModel.utf8Length(text[index]), text.count)
        return BPEModel.decodeScalar(text, index, end).flatMap(Unicode.Scalar.init)
    }

    private static func scalar(before index: Int, in text: [UInt8]) -> Unicode.Scalar? {
        var start = index - 1
        while start > 0, text[start] & 0xC0 == 0x80 { start -= 1 }
        return BPEModel.decodeScalar(text, start, index).flatMap(Unicode.Scalar.init)
    }

    /// `\w` of Rust's regex crate: alphabetic, marks, decimal digits, connector punctuation, joiners.
    private static func isWordCharacter(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        let properties = scalar.properties
        if properties.isAlphabetic || properties.isJoinControl { return true }
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
        default: return false
        }
    }
}
