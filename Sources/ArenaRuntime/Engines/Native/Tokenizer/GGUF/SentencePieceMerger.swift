import Foundation

/// llama.cpp's SentencePiece (`llama`) tokenization of one piece of text: start from its UTF-8
/// characters, repeatedly join the adjacent pair whose joined text is the token of highest score
/// (leftmost among equal scores), then emit each piece's token, or its bytes' `<0xXX>` tokens
/// when the piece is no token.
struct SentencePieceMerger: Sendable {
    let tokenIds: [[UInt8]: Int]
    let scores: [Float]
    /// Token of each byte: `<0xXX>`, else the byte itself as a token.
    let byteTokenIds: [Int?]
    /// Ids of the one-character tokens, by code point.
    let charIds: [UInt32: Int]

    init(tokens: [[UInt8]], scores: [Float], tokenIds: [[UInt8]: Int]) {
        self.tokenIds = tokenIds
        self.scores = scores
        var chars: [UInt32: Int] = [:]
        for (token, id) in tokenIds where token.count <= 4 {
            let scalars = String(decoding: token, as: UTF8.self).unicodeScalars
            if scalars.count == 1, let scalar = scalars.first, Array(String(scalar).utf8) == token { chars[scalar.value] = id }
        }
        charIds = chars
        byteTokenIds = (0 ..< 256).map { byte in
            tokenIds[Array(String(format: "<0x%02X>", byte).utf8)] ?? tokenIds[[UInt8(byte)]]
        }
    }

    /// Heap key of a score: higher scores sort first.
    private static func key(_ score: Float) -> Int32 {
        let bits = score.bitPattern
        let ascending = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
        return Int32(bitPattern: ~ascending)
    }

    /// Joined token of two adjacent tokens, -1 for none: (left id, right id) -> id.
    private let pairCache = PairCache()

    func tokenize(_ text: [UInt8], into output: inout [Int]) {
        guard !text.isEmpty else { return }
        // The token of each piece, -1 where the piece is no token (a character outside the vocabulary).
        var pieceIds: [Int] = []
        var starts: [Int] = [], lengths: [Int] = []
        var offset = 0
        while offset < text.count {
            let length = min(BPEModel.utf8Length(text[offset]), text.count - offset)
            starts.append(offset)
            lengths.append(length)
            let id = length == BPEModel.utf8Length(text[offset]) ? BPEModel.decodeScalar(text, offset, offset + length).flatMap { charIds[$0] } : nil
            pieceIds.append(id ?? tokenIds[Array(text[offset ..< offset + length])] ?? -1)
            offset += length
        }
        let count = starts.count
        var next = (0 ..< count).map { $0 + 1 == count ? -1 : $0 + 1 }
        var prev = (0 ..< count).map { $0 - 1 }
        var heap = MergeHeap()
        func joined(_ left: Int) -> Int {
            let right = next[left]
            guard right != -1 else { return -1 }
            let a = pieceIds[left], b = pieceIds[right]
            if a < 0 || b < 0 { return tokenIds[Array(text[starts[left] ..< starts[right] + lengths[right]])] ?? -1 }
            let key = BPEModel.key(a, b)
            if let id = pairCache.get(key) { return id }
            let id = tokenIds[Array(text[starts[left] ..< starts[right] + lengths[right]])] ?? -1
            pairCache.put(key, id)
            return id
        }
        func pairScore(_ left: Int) -> Float? {
            let id = joined(left)
            return id < 0 ? nil : scores[id]
        }
        func push(_ left: Int) {
            if left >= 0, let score = pairScore(left) { heap.push(rank: Self.key(score), pos: left) }
        }
        for i in 0 ..< count - 1 { push(i) }
        while let top = heap.pop() {
            let left = top.pos
            // A stale entry: the pair at `left` changed since it was pushed.
            guard lengths[left] > 0, let score = pairScore(left), Self.key(score) == top.rank else { continue }
            let right = next[left]
            pieceIds[left] = joined(left)
            lengths[left] += lengths[right]
            lengths[right] = 0
            next[left] = next[right]
            if next[right] != -1 { prev[next[right]] = left }
            push(prev[left])
            push(left)
        }
        var i = 0
        while i != -1 {
            if pieceIds[i] >= 0 {
                output.append(pieceIds[i])
            } else {
                for byte in text[starts[i] ..< starts[i] + lengths[i]] { if let id = byteTokenIds[Int(byte)] { output.append(id) } }
            }
            i = next[i]
        }
    }
}

/// (left id, right id) -> joined id memo shared by all callers; bounded so that memory stays small.
final class PairCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [UInt64: Int] = [:]
    private let capacity = 1_000_000

    func get(_ key: UInt64) -> Int? {
        lock.lock(); defer { lock.unlock() }
        return entries[key]
    }

    func put(_ key: UInt64, _ id: Int) {
        lock.lock(); defer { lock.unlock() }
        if entries.count < capacity { entries[key] = id }
    }
}
