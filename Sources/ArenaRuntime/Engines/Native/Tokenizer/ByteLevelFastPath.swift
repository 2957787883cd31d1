/// Encoding for the common byte-level pipelines (Split with a known pattern then ByteLevel without
/// its own regex, as Llama-3 and Qwen2; or ByteLevel with the GPT-2 regex and no prefix space)
/// straight from the text's UTF-8 bytes: no per-word arrays of mapped characters. Gives the same
/// ids as the general pipeline.
struct ByteLevelFastPath: Sendable {
    let pattern: SplitPattern
    /// Id of each byte's alphabet character.
    let byteIds: [Int]
    /// Vocabulary keyed by the bytes a token stands for (tokens made only of alphabet characters).
    let rawVocab: [[UInt8]: Int]
    private let cache = WordCache()

    init?(preTokenizer: PreTokenizer?, model: BPEModel) {
        switch preTokenizer {
        case let .sequence(items)?:
            guard items.count == 2, case let .split(pattern?, _, false) = items[0], case .byteLevel(false, false) = items[1] else { return nil }
            self.pattern = pattern
        case .byteLevel(false, true)?:
            pattern = .gpt2
        default:
            return nil
        }
        var byteIds: [Int] = []
        for scalar in ByteLevelAlphabet.scalarForByte {
            guard let id = model.charIds[scalar.value] else { return nil }
            byteIds.append(id)
        }
        self.byteIds = byteIds
        rawVocab = ByteLevelAlphabet.rawBytes(of: model.vocab)
    }

    /// Ids of a piece of text (valid UTF-8) that no added token splits further.
    func encode(_ bytes: [UInt8], model: BPEModel) -> [Int] {
        let scalars = Array(String(decoding: bytes, as: UTF8.self).unicodeScalars)
        var offsets: [Int] = []
        offsets.reserveCapacity(scalars.count + 1)
        var offset = 0
        for scalar in scalars {
            offsets.append(offset)
            offset += UTF8.width(scalar)
        }
        offsets.append(offset)
        var ids: [Int] = []
        var last = 0
        for range in pattern.matches(in: scalars) {
            if range.lowerBound > last { ids.append(contentsOf: word(bytes[offsets[last] ..< offsets[range.lowerBound]], model: model)) }
            ids.append(contentsOf: word(bytes[offsets[range.lowerBound] ..< offsets[range.upperBound]], model: model))
            last = range.upperBound
        }
        if last < scalars.count { ids.append(contentsOf: word(bytes[offsets[last]...], model: model)) }
        return ids
    }

    private func word(_ raw: ArraySlice<UInt8>, model: BPEModel) -> [Int] {
        if raw.isEmpty { return [] }
        let key = Array(raw)
        if model.ignoreMerges, let id = rawVocab[key] { return [id] }
        if key.count < 256, let cached = cache.get(key) { return cached }
        let ids = model.applyMerges(key.map { byteIds[Int($0)] })
        if key.count < 256 { cache.put(key, ids) }
        return ids
    }
}
