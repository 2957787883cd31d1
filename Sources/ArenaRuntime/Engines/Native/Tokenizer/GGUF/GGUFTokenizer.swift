import Foundation

/// The tokenizer stored in a GGUF file's metadata, giving the ids and text llama.cpp's own
/// tokenizer gives: `gpt2` byte-level BPE with the pre-tokenizer `tokenizer.ggml.pre` names, or
/// `llama` SentencePiece (merge by score, byte fallback, spaces as U+2581). Control, unknown and
/// user-defined tokens are found in the text first (`GGUFSpecialTokens`). Thread-safe.
public final class GGUFTokenizer: NativeTokenizer {
    public let path: String
    let vocabulary: GGUFVocabulary
    let tokenIds: [[UInt8]: Int]
    let special: GGUFSpecialTokens
    /// `gpt2` only.
    let preTokenizer: GGUFPreTokenizer?
    let bpe: BPEModel?
    /// Id of each byte's byte-level character, -1 where the vocabulary lacks it (llama.cpp then
    /// drops that byte).
    let byteIds: [Int]
    /// Vocabulary keyed by the bytes a token stands for (tokens made only of byte-level characters).
    let rawVocab: [[UInt8]: Int]
    private let wordCache = WordCache()
    /// `llama` only.
    let sentencePiece: SentencePieceMerger?

    public let bosTokenId: Int?
    public let eosTokenId: Int?
    /// Whether `encode(_:addSpecialTokens: true)` starts with BOS / ends with EOS: the metadata's
    /// `add_bos_token`/`add_eos_token`, else llama.cpp's default for the tokenizer.
    public let addsBOS: Bool
    public let addsEOS: Bool
    /// `tokenizer.ggml.add_space_prefix` (default: on for `llama`, off for `gpt2`).
    public let addsSpacePrefix: Bool
    let cleanSpaces: Bool
    public var vocabSize: Int { vocabulary.tokens.count }

    public convenience init(gguf url: URL) throws {
        try self.init(file: GGUFFile(path: url.path))
    }

    public init(file: GGUFFile) throws {
        path = file.path
        let vocabulary = try GGUFVocabulary(file: file)
        self.vocabulary = vocabulary
        var ids: [[UInt8]: Int] = [:]
        ids.reserveCapacity(vocabulary.tokens.count)
        for (id, token) in vocabulary.tokens.enumerated() { ids[token] = id }
        tokenIds = ids
        special = GGUFSpecialTokens(tokens: vocabulary.tokens, types: vocabulary.types)
        bosTokenId = vocabulary.bosTokenId
        eosTokenId = vocabulary.eosTokenId
        switch vocabulary.model {
        case .gpt2:
            let pre = try GGUFPreTokenizer(name: vocabulary.pre, file: file.path)
            let model = BPEModel(tokenIds: ids, merges: vocabulary.merges, ignoreMerges: pre.ignoreMerges)
            byteIds = ByteLevelAlphabet.scalarForByte.map { model.charIds[$0.value] ?? -1 }
            rawVocab = ByteLevelAlphabet.rawBytes(of: ids)
            preTokenizer = pre
            bpe = model
            sentencePiece = nil
            addsBOS = vocabulary.addBOS ?? pre.addsBOSByDefault
            addsEOS = vocabulary.addEOS ?? false
            addsSpacePrefix = vocabulary.addSpacePrefix ?? false
            cleanSpaces = pre.cleanSpaces
        case .llama:
            preTokenizer = nil
            bpe = nil
            byteIds = []
            rawVocab = [:]
            sentencePiece = SentencePieceMerger(tokens: vocabulary.tokens, scores: vocabulary.scores, tokenIds: ids)
            addsBOS = vocabulary.addBOS ?? true
            addsEOS = vocabulary.addEOS ?? false
            addsSpacePrefix = vocabulary.addSpacePrefix ?? true
            cleanSpaces = false
        }
        if addsBOS, bosTokenId == nil {
            throw TokenizerError.invalidField(file: file.path, field: "tokenizer.ggml.add_bos_token", message: "is true, but tokenizer.ggml.bos_token_id is not set")
        }
        if addsEOS, eosTokenId == nil {
            throw TokenizerError.invalidField(file: file.path, field: "tokenizer.ggml.add_eos_token", message: "is true, but tokenizer.ggml.eos_token_id is not set")
        }
    }

    // MARK: Encoding

    /// Token ids of `text` with special tokens found in it (as `tokenizers` always does, and
    /// llama.cpp with `special`); `addSpecialTokens` adds BOS/EOS as the metadata says.
    public func encode(_ text: String, addSpecialTokens: Bool) -> [Int] {
        encode(text, addSpecial: addSpecialTokens, parseSpecial: true)
    }

    /// llama.cpp's `llama_tokenize(text, add_special, parse_special)`.
    public func encode(_ text: String, addSpecial: Bool, parseSpecial: Bool) -> [Int] {
        var output: [Int] = []
        if addSpecial, addsBOS, let bosTokenId { output.append(bosTokenId) }
        var previousIsSpecial = true
        for segment in special.partition(Array(text.utf8), parseSpecial: parseSpecial) {
            switch segment {
            case let .token(id):
                output.append(id)
                previousIsSpecial = true
            case let .text(bytes):
                if let sentencePiece {
                    // A space before text that starts the input or follows a special token; every space as U+2581.
                    var escaped: [UInt8] = []
                    escaped.reserveCapacity(bytes.count + 6)
                    if addsSpacePrefix, previousIsSpecial { escaped += [0xE2, 0x96, 0x81] }
                    for byte in bytes { if byte == 0x20 { escaped += [0xE2, 0x96, 0x81] } else { escaped.append(byte) } }
                    sentencePiece.tokenize(escaped, into: &output)
                } else {
                    encodeBytePairs(bytes, into: &output)
                }
                previousIsSpecial = false
            }
        }
        if addSpecial, addsEOS, let eosTokenId { output.append(eosTokenId) }
        return output
    }

    private func encodeBytePairs(_ bytes: [UInt8], into output: inout [Int]) {
        guard let preTokenizer, let bpe else { return }
        let scalars = Array(String(decoding: bytes, as: UTF8.self).unicodeScalars)
        var offsets: [Int] = []
        offsets.reserveCapacity(scalars.count + 1)
        var offset = 0
        for scalar in scalars {
            offsets.append(offset)
            offset += UTF8.width(scalar)
        }
        offsets.append(offset)
        for word in preTokenizer.words(scalars) {
            let raw = Array(bytes[offsets[word.lowerBound] ..< offsets[word.upperBound]])
            if bpe.ignoreMerges, let id = rawVocab[raw] { output.append(id); continue }
            if raw.count < 256, let cached = wordCache.get(raw) { output += cached; continue }
            // A byte whose character is no token can take part in no merge, and is dropped.
            let ids = bpe.applyMerges(raw.map { byteIds[Int($0)] }).filter { $0 >= 0 }
            if raw.count < 256 { wordCache.put(raw, ids) }
            output += ids
        }
    }

    // MARK: Decoding

    /// The text of `ids`, special tokens included: llama.cpp's `detokenize(ids, special: true)`.
    /// Ids outside the vocabulary are skipped.
    public func decode(_ ids: [Int]) -> String {
        String(decoding: decodeBytes(ids), as: UTF8.self)
    }

    /// The bytes `decode` reads as UTF-8 (a byte token alone may be part of a character).
    public func decodeBytes(_ ids: [Int]) -> [UInt8] {
        var bytes: [UInt8] = []
        for (index, id) in ids.enumerated() where id >= 0 && id < vocabSize {
            var piece = self.piece(id)
            // The space the encoder put before the text, dropped from the first token.
            if index == 0, addsSpacePrefix, piece.first == 0x20 { piece.removeFirst() }
            bytes += piece
        }
        return cleanSpaces ? Self.cleaned(bytes) : bytes
    }

    /// The bytes of one token (llama.cpp's `token_to_piece` with `special`).
    func piece(_ id: Int) -> [UInt8] {
        let text = vocabulary.tokens[id]
        switch vocabulary.types[id] {
        case .control, .unknown, .userDefined:
            return text
        case .normal:
            if sentencePiece != nil { return Self.unescapingSpaces(text) }
            var bytes: [UInt8] = []
            for scalar in String(decoding: text, as: UTF8.self).unicodeScalars {
                if let byte = ByteLevelAlphabet.byteForScalar[scalar.value] { bytes.append(byte) } else { scalar.appendUTF8(to: &bytes) }
            }
            return bytes
        case .byte:
            guard text.count == 6, let byte = UInt8(String(decoding: text[3 ..< 5], as: UTF8.self), radix: 16) else { return [] }
            return [byte]
        case .unused, .undefined:
            return []
        }
    }

    private static func unescapingSpaces(_ text: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            if i + 2 < text.count, text[i] == 0xE2, text[i + 1] == 0x96, text[i + 2] == 0x81 {
                result.append(0x20)
                i += 3
            } else {
                result.append(text[i])
                i += 1
            }
        }
        return result
    }

    /// llama.cpp's `clean_spaces`: no space before `?!.,`, none around a lone `'`, none before
    /// `'s`, `'m`, `'re`, `'ve`.
    static func cleaned(_ text: [UInt8]) -> [UInt8] {
        let space = UInt8(ascii: " "), quote = UInt8(ascii: "'")
        let punctuation: Set<UInt8> = [UInt8(ascii: "?"), UInt8(ascii: "!"), UInt8(ascii: "."), UInt8(ascii: ",")]
        // " ?" -> "?": the last byte kept is always the previous input byte.
        var a: [UInt8] = []
        a.reserveCapacity(text.count)
        for x in text {
            if a.last == space, punctuation.contains(x) { a.removeLast() }
            a.append(x)
        }
        // " ' " -> "'"; the dropped space no longer counts as the next byte's predecessor.
        var b: [UInt8] = []
        b.reserveCapacity(a.count)
        var i = 0
        var previousDropped = false
        while i < a.count {
            let x = a[i]
            if i > 0, !previousDropped, x == quote, i + 1 < a.count, a[i - 1] == space, a[i + 1] == space {
                b.removeLast()
                b.append(x)
                i += 2
                previousDropped = true
                continue
            }
            previousDropped = false
            b.append(x)
            i += 1
        }
        // " 's", " 'm", " 're", " 've" lose their space.
        var c: [UInt8] = []
        c.reserveCapacity(b.count)
        for (i, x) in b.enumerated() {
            if i > 0, b[i - 1] == space, x == quote, i + 1 < b.count {
                let x1 = b[i + 1]
                if x1 == UInt8(ascii: "s") || x1 == UInt8(ascii: "m") {
                    c.removeLast()
                } else if i + 2 < b.count, x1 == UInt8(ascii: "r") || x1 == UInt8(ascii: "v"), b[i + 2] == UInt8(ascii: "e") {
                    c.removeLast()
                }
            }
            c.append(x)
        }
        return c
    }
}
