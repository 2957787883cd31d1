import Foundation

/// The `model` of a `tokenizer.json` of type BPE: vocabulary, merges by rank, unknown-token and
/// byte-fallback handling, `ignore_merges`, as the `tokenizers` library applies them.
struct BPEModel: Sendable {
    /// Token text (UTF-8) to id.
    let vocab: [[UInt8]: Int]
    /// Ids of the vocabulary's one-character tokens, by code point (the usual starting symbols).
    let charIds: [UInt32: Int]
    /// (left id, right id) packed into 64 bits -> rank and merged id.
    let merges: [UInt64: (rank: Int32, id: Int32)]
    let unkId: Int?
    let byteFallback: Bool
    let fuseUnk: Bool
    let ignoreMerges: Bool
    /// `<0x00>`..`<0xFF>` ids when `byteFallback` (nil entries where missing).
    let byteTokenIds: [Int?]
    private let cache = WordCache()

    init(_ model: [String: JSONValue], reader: TokenizerJSONReader) throws {
        let type = try reader.optionalString(model["type"], "model.type") ?? "BPE"
        guard type == "BPE" else { throw reader.unsupported("model.type", "\"\(type)\" (only BPE is implemented)") }
        if let dropout = model["dropout"], dropout != .null, dropout.doubleValue != 0 {
            throw reader.unsupported("model.dropout", dropout.serialized(indent: nil))
        }
        for field in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let value = model[field], value != .null, value != .string("") {
                throw reader.unsupported("model.\(field)", value.serialized(indent: nil))
            }
        }
        var vocab: [[UInt8]: Int] = [:]
        var charIds: [UInt32: Int] = [:]
        for (token, idValue) in try reader.object(model["vocab"], "model.vocab") {
            guard let id = idValue.intValue, id >= 0 else { throw reader.invalid("model.vocab[\"\(token)\"]", "expected a non-negative integer id") }
            vocab[Array(token.utf8)] = id
            let scalars = token.unicodeScalars
            if scalars.count == 1, let scalar = scalars.first { charIds[scalar.value] = id }
        }
        var merges: [UInt64: (rank: Int32, id: Int32)] = [:]
        let mergeList = try reader.array(model["merges"] ?? .array([]), "model.merges")
        merges.reserveCapacity(mergeList.count)
        for (rank, entry) in mergeList.enumerated() {
            let field = "model.merges[\(rank)]"
            let pair: [String]
            if let text = entry.stringValue {
                pair = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            } else if let items = entry.arrayValue {
                pair = try items.map { try reader.string($0, field) }
            } else {
                throw reader.invalid(field, "expected \"a b\" or [\"a\", \"b\"]")
            }
            guard pair.count == 2 else { throw reader.invalid(field, "expected exactly two tokens, got \(pair.count)") }
            guard let left = vocab[Array(pair[0].utf8)], let right = vocab[Array(pair[1].utf8)],
                  let merged = vocab[Array((pair[0] + pair[1]).utf8)] else {
                throw reader.invalid(field, "a token of merge \(pair) is not in model.vocab")
            }
            merges[Self.key(left, right)] = (Int32(rank), Int32(merged))
        }
        let unkToken = try reader.optionalString(model["unk_token"], "model.unk_token")
        if let unkToken {
            guard let id = vocab[Array(unkToken.utf8)] else { throw reader.invalid("model.unk_token", "\"\(unkToken)\" is not in model.vocab") }
            unkId = id
        } else {
            unkId = nil
        }
        self.vocab = vocab
        self.charIds = charIds
        self.merges = merges
        byteFallback = try reader.bool(model["byte_fallback"], "model.byte_fallback", default: false)
        fuseUnk = try reader.bool(model["fuse_unk"], "model.fuse_unk", default: false)
        ignoreMerges = try reader.bool(model["ignore_merges"], "model.ignore_merges", default: false)
        byteTokenIds = (0..<256).map { vocab[Array(String(format: "<0x%02X>", $0).utf8)] }
    }

    static func key(_ left: Int, _ right: Int) -> UInt64 { UInt64(UInt32(truncatingIfNeeded: left)) << 32 | UInt64(UInt32(truncatingIfNeeded: right)) }

    /// Token ids of one pre-tokenized word (its UTF-8 text).
    func tokenize(_ word: [UInt8]) -> [Int] {
        if word.isEmpty { return [] }
        if ignoreMerges, let id = vocab[word] { return [id] }
        if word.count < 256, let cached = cache.get(word) { return cached }
        let ids = mergeWord(word)
        if word.count < 256 { cache.put(word, ids) }
        return ids
    }

    private func mergeWord(_ word: [UInt8]) -> [Int] {
        var symbols: [Int] = []
        symbols.reserveCapacity(word.count)
        var pendingUnk = false
        var i = 0
        while i < word.count {
            let length = Self.utf8Length(word[i])
            let end = min(i + length, word.count)
            let id = Self.decodeScalar(word, i, end).flatMap { charIds[$0] } ?? vocab[Array(word[i..<end])]
            if let id {
                if pendingUnk, let unkId { symbols.append(unkId); pendingUnk = false }
                symbols.append(id)
            } else if byteFallback, word[i..<end].allSatisfy({ byteTokenIds[Int($0)] != nil }) {
                for byte in word[i..<end] { if let id = byteTokenIds[Int(byte)] { symbols.append(id) } }
            } else if let unkId {
                if pendingUnk, !fuseUnk { symbols.append(unkId) }
                pendingUnk = true
            }
            i = end
        }
        if pendingUnk, let unkId { symbols.append(unkId) }
        return applyMerges(symbols)
    }

    /// Merges the lowest-ranked adjacent pair first (leftmost among equal ranks) until none applies.
    func applyMerges(_ initial: [Int]) -> [Int] {
        let count = initial.count
        if count < 2 { return initial }
        var ids = initial
        var prev = (0..<count).map { $0 - 1 }
        var next = (0..<count).map { $0 + 1 == count ? -1 : $0 + 1 }
        var alive = [Bool](repeating: true, count: count)
        var heap = MergeHeap()
        for pos in 0..<(count - 1) {
            if let merge = merges[Self.key(ids[pos], ids[pos + 1])] { heap.push(rank: merge.rank, pos: pos) }
        }
        while let top = heap.pop() {
            let pos = top.pos
            guard alive[pos], next[pos] != -1 else { continue }
            let right = next[pos]
            guard let merge = merges[Self.key(ids[pos], ids[right])], merge.rank == top.rank else { continue }
            ids[pos] = Int(merge.id)
            alive[right] = false
            next[pos] = next[right]
            if next[right] != -1 { prev[next[right]] = pos }
            if prev[pos] >= 0, let left = merges[Self.key(ids[prev[pos]], ids[pos])] { heap.push(rank: left.rank, pos: prev[pos]) }
            if next[pos] != -1, let after = merges[Self.key(ids[pos], ids[next[pos]])] { heap.push(rank: after.rank, pos: pos) }
        }
        var result: [Int] = []
        var pos = 0
        while pos != -1 { result.append(ids[pos]); pos = next[pos] }
        return result
    }

    static func utf8Length(_ lead: UInt8) -> Int {
        switch lead {
        case 0..<0x80: return 1
        case 0xC0..<0xE0: return 2
        case 0xE0..<0xF0: return 3
        case 0xF0..<0xF8: return 4
        default: return 1
        }
    }

    static func decodeScalar(_ bytes: [UInt8], _ start: Int, _ end: Int) -> UInt32? {
        let lead = UInt32(bytes[start])
        switch end - start {
        case 1: return lead
        case 2: return (lead & 0x1F) << 6 | UInt32(bytes[start + 1] & 0x3F)
        case 3: return (lead & 0x0F) << 12 | UInt32(bytes[start + 1] & 0x3F) << 6 | UInt32(bytes[start + 2] & 0x3F)
        case 4: return (lead & 0x07) << 18 | UInt32(bytes[start + 1] & 0x3F) << 12 | UInt32(bytes[start + 2] & 0x3F) << 6 | UInt32(bytes[start + 3] & 0x3F)
        default: return nil
        }
    }
}

/// A binary min-heap of candidate merges ordered by rank, then position.
struct MergeHeap {
    private var items: [UInt64] = []

    mutating func push(rank: Int32, pos: Int) {
        items.append(UInt64(UInt32(bitPattern: rank)) << 32 | UInt64(UInt32(truncatingIfNeeded: pos)))
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (rank: Int32, pos: Int)? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < items.count, items[left] < items[smallest] { smallest = left }
                if right < items.count, items[right] < items[smallest] { smallest = right }
                if smallest == parent { break }
                items.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return (Int32(bitPattern: UInt32(top >> 32)), Int(top & 0xFFFF_FFFF))
    }
}

/// Word -> ids memo shared by all callers; bounded so that memory stays small.
final class WordCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [[UInt8]: [Int]] = [:]
    private let capacity = 50_000

    func get(_ word: [UInt8]) -> [Int]? {
        lock.lock(); defer { lock.unlock() }
        return entries[word]
    }

    func put(_ word: [UInt8], _ ids: [Int]) {
        lock.lock(); defer { lock.unlock() }
        if entries.count < capacity { entries[word] = ids }
    }
}
