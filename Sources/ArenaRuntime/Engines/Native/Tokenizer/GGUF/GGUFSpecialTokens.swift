import Foundation

/// The control, user-defined and unknown tokens of a GGUF vocabulary, found in text as llama.cpp's
/// `tokenizer_st_partition` finds them: token by token, longest text first, every occurrence of a
/// token in every piece of text not yet claimed becomes that token. Without `parseSpecial`, only
/// the user-defined tokens are looked for.
struct GGUFSpecialTokens: Sendable {
    struct Entry: Sendable {
        let id: Int
        let bytes: [UInt8]
        let userDefined: Bool
    }

    /// Longest first, then by id (llama.cpp's order among equal lengths is unspecified).
    let entries: [Entry]
    /// Indices into `entries` by their first byte (256 lists).
    private let byFirstByte: [[Int]]

    init(tokens: [[UInt8]], types: [GGUFTokenType]) {
        var entries: [Entry] = []
        for (id, type) in types.enumerated() where type == .control || type == .userDefined || type == .unknown {
            entries.append(Entry(id: id, bytes: tokens[id], userDefined: type == .userDefined))
        }
        entries.sort { ($0.bytes.count, $1.id) > ($1.bytes.count, $0.id) }
        self.entries = entries
        var index = [[Int]](repeating: [], count: 256)
        for (i, entry) in entries.enumerated() { if let first = entry.bytes.first { index[Int(first)].append(i) } }
        byFirstByte = index
    }

    func partition(_ text: [UInt8], parseSpecial: Bool) -> [AddedTokenSegment] {
        guard !text.isEmpty else { return [] }
        // Only tokens that occur somewhere in the text can split any piece of it.
        var present = Set<Int>()
        text.withUnsafeBufferPointer { t in
            for i in 0 ..< t.count {
                let candidates = byFirstByte[Int(t[i])]
                if candidates.isEmpty { continue }
                for c in candidates {
                    let bytes = entries[c].bytes
                    guard i + bytes.count <= t.count else { continue }
                    let matches = bytes.withUnsafeBufferPointer { b in memcmp(t.baseAddress! + i, b.baseAddress!, b.count) == 0 }
                    if matches { present.insert(c) }
                }
            }
        }
        if present.isEmpty { return [.text(text)] }
        enum Piece { case text(Range<Int>), token(Int) }
        var pieces: [Piece] = [.text(0 ..< text.count)]
        for c in present.sorted() {
            let entry = entries[c]
            if !parseSpecial, !entry.userDefined { continue }
            let needle = entry.bytes
            var next: [Piece] = []
            for piece in pieces {
                guard case let .text(range) = piece else { next.append(piece); continue }
                var start = range.lowerBound
                var i = range.lowerBound
                while i + needle.count <= range.upperBound {
                    if text[i] == needle[0], text[i ..< i + needle.count].elementsEqual(needle) {
                        if i > start { next.append(.text(start ..< i)) }
                        next.append(.token(entry.id))
                        i += needle.count
                        start = i
                    } else {
                        i += 1
                    }
                }
                if start < range.upperBound { next.append(.text(start ..< range.upperBound)) }
            }
            pieces = next
        }
        return pieces.map { piece in
            switch piece {
            case let .text(range): .text(Array(text[range]))
            case let .token(id): .token(id)
            }
        }
    }
}
