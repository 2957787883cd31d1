import Foundation

/// A Hugging Face tokenizer loaded from `tokenizer.json` (BPE models: byte-level as GPT-2,
/// Llama-3, Qwen2 use, and SentencePiece-style with byte fallback as Llama-2 uses), giving the
/// same ids and text as the `tokenizers` library. Thread-safe.
public final class Tokenizer: Sendable {
    let model: BPEModel
    let normalizer: Normalizer?
    let preTokenizer: PreTokenizer?
    let postProcessor: PostProcessor?
    let decoder: Decoder?
    let byteLevelFastPath: ByteLevelFastPath?
    let addedTokens: [Int: AddedToken]
    /// Added tokens' ids by their content (UTF-8).
    private let addedTokenIds: [[UInt8]: Int]
    private let rawMatcher: AddedTokenMatcher
    private let normalizedMatcher: AddedTokenMatcher
    /// Id to token text, for the model's vocabulary and the added tokens.
    private let tokenById: [Int: String]

    /// The id after which no token exists, plus one (the embedding matrix's row count at least).
    public let vocabSize: Int
    public let bosToken: String?
    public let eosToken: String?
    /// `pad_token` from tokenizer_config.json, when given.
    public let padToken: String?
    public let bosTokenId: Int?
    public let eosTokenId: Int?
    /// `model_max_length` from tokenizer_config.json, when given.
    public let modelMaxLength: Int?

    /// Loads `tokenizer.json` text, and `tokenizer_config.json` text when there is one (for the
    /// BOS/EOS tokens). `file` names the tokenizer file in errors.
    public init(tokenizerJSON: Data, configJSON: Data? = nil, file: String = "tokenizer.json", configFile: String = "tokenizer_config.json") throws {
        let reader = TokenizerJSONReader(file: file)
        let root: [String: JSONValue]
        do {
            root = try reader.object(try JSONValue.parse(tokenizerJSON), "(document)")
        } catch let error as JSONParseError {
            throw TokenizerError.unreadable(file: file, message: error.message)
        }
        if let truncation = root["truncation"], truncation != .null { throw reader.unsupported("truncation", truncation.serialized(indent: nil)) }
        if let padding = root["padding"], padding != .null { throw reader.unsupported("padding", padding.serialized(indent: nil)) }
        model = try BPEModel(try reader.object(root["model"], "model"), reader: reader)
        normalizer = try root["normalizer"].flatMap { $0 == .null ? nil : try Normalizer($0, field: "normalizer", reader: reader) }
        preTokenizer = try root["pre_tokenizer"].flatMap { $0 == .null ? nil : try PreTokenizer($0, field: "pre_tokenizer", reader: reader) }
        postProcessor = try root["post_processor"].flatMap { $0 == .null ? nil : try PostProcessor($0, field: "post_processor", reader: reader) }
        byteLevelFastPath = ByteLevelFastPath(preTokenizer: preTokenizer, model: model)
        decoder = try root["decoder"].flatMap { $0 == .null ? nil : try Decoder($0, field: "decoder", reader: reader) }

        var added: [Int: AddedToken] = [:]
        for (index, value) in try reader.array(root["added_tokens"] ?? .array([]), "added_tokens").enumerated() {
            let field = "added_tokens[\(index)]"
            let entry = try reader.object(value, field)
            let content = try reader.string(entry["content"], field + ".content")
            guard !content.isEmpty else { throw reader.invalid(field + ".content", "must not be empty") }
            let special = try reader.bool(entry["special"], field + ".special", default: false)
            added[try reader.int(entry["id"], field + ".id")] = AddedToken(
                id: try reader.int(entry["id"], field + ".id"), content: content, bytes: Array(content.utf8),
                singleWord: try reader.bool(entry["single_word"], field + ".single_word", default: false),
                lstrip: try reader.bool(entry["lstrip"], field + ".lstrip", default: false),
                rstrip: try reader.bool(entry["rstrip"], field + ".rstrip", default: false),
                normalized: try reader.bool(entry["normalized"], field + ".normalized", default: !special),
                special: special)
        }
        addedTokens = added
        addedTokenIds = Dictionary(added.values.map { ($0.bytes, $0.id) }, uniquingKeysWith: { min($0, $1) })
        let sortedAdded = added.values.sorted { $0.id < $1.id }
        rawMatcher = AddedTokenMatcher(sortedAdded.filter { !$0.normalized })
        let normalizer = normalizer
        normalizedMatcher = AddedTokenMatcher(sortedAdded.filter(\.normalized).map { token in
            let text = normalizer?.normalize(token.content) ?? token.content
            return AddedToken(id: token.id, content: token.content, bytes: Array(text.utf8), singleWord: token.singleWord,
                              lstrip: token.lstrip, rstrip: token.rstrip, normalized: true, special: token.special)
        })
        var byId: [Int: String] = [:]
        for (bytes, id) in model.vocab { byId[id] = String(decoding: bytes, as: UTF8.self) }
        // As `tokenizers`: a normalized added token reads back in its normalized form.
        for token in sortedAdded { byId[token.id] = token.normalized ? (normalizer?.normalize(token.content) ?? token.content) : token.content }
        tokenById = byId
        vocabSize = (byId.keys.max() ?? -1) + 1

        // BOS/EOS: tokenizer_config.json first; else the post-processor's leading special token.
        var config: [String: JSONValue] = [:]
        if let configJSON {
            let configReader = TokenizerJSONReader(file: configFile)
            do {
                config = try configReader.object(try JSONValue.parse(configJSON), "(document)")
            } catch let error as JSONParseError {
                throw TokenizerError.unreadable(file: configFile, message: error.message)
            }
        }
        func configToken(_ name: String) throws -> String? {
            guard let value = config[name], value != .null else { return nil }
            if let text = value.stringValue { return text }
            if let content = value["content"]?.stringValue { return content }
            throw TokenizerError.invalidField(file: configFile, field: name, message: "expected a string or an object with \"content\"")
        }
        var bos = try configToken("bos_token")
        if bos == nil, let id = postProcessor?.leadingSpecialId { bos = byId[id] }
        let eos = try configToken("eos_token")
        bosToken = bos
        eosToken = eos
        padToken = try configToken("pad_token")
        let addedIds = addedTokenIds, vocab = model.vocab
        let lookup = { (token: String) -> Int? in addedIds[Array(token.utf8)] ?? vocab[Array(token.utf8)] }
        bosTokenId = bos.flatMap(lookup)
        eosTokenId = eos.flatMap(lookup)
        if let bos, bosTokenId == nil { throw TokenizerError.invalidField(file: configFile, field: "bos_token", message: "\"\(bos)\" is not a token of \(file)") }
        if let eos, eosTokenId == nil { throw TokenizerError.invalidField(file: configFile, field: "eos_token", message: "\"\(eos)\" is not a token of \(file)") }
        modelMaxLength = config["model_max_length"]?.intValue
    }

    /// Loads `tokenizer.json` from a file.
    public convenience init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw TokenizerError.unreadable(file: url.path, message: error.localizedDescription) }
        try self.init(tokenizerJSON: data, file: url.path)
    }

    /// Loads `tokenizer.json` and, when present, `tokenizer_config.json` from a model folder.
    public convenience init(folder: URL) throws {
        let tokenizerURL = folder.appendingPathComponent("tokenizer.json")
        let configURL = folder.appendingPathComponent("tokenizer_config.json")
        let data: Data
        do { data = try Data(contentsOf: tokenizerURL) } catch { throw TokenizerError.unreadable(file: tokenizerURL.path, message: error.localizedDescription) }
        var config: Data?
        if FileManager.default.fileExists(atPath: configURL.path) {
            do { config = try Data(contentsOf: configURL) } catch { throw TokenizerError.unreadable(file: configURL.path, message: error.localizedDescription) }
        }
        try self.init(tokenizerJSON: data, configJSON: config, file: tokenizerURL.path, configFile: configURL.path)
    }

    // MARK: Encoding

    /// Token ids of `text`; with `addSpecialTokens`, the post-processor's tokens (BOS) are added.
    public func encode(_ text: String, addSpecialTokens: Bool) -> [Int] {
        var ids: [Int] = []
        var startsInput = true
        for segment in rawMatcher.split(Array(text.utf8)) {
            switch segment {
            case let .token(id):
                ids.append(id)
                startsInput = false
            case let .text(bytes):
                var piece = String(decoding: bytes, as: UTF8.self)
                if let normalizer { piece = normalizer.normalize(piece) }
                for inner in normalizedMatcher.split(Array(piece.utf8)) {
                    switch inner {
                    case let .token(id): ids.append(id)
                    case let .text(innerBytes): ids.append(contentsOf: encodeText(innerBytes, startsInput: startsInput))
                    }
                    startsInput = false
                }
            }
        }
        return addSpecialTokens ? (postProcessor?.apply(ids) ?? ids) : ids
    }

    private func encodeText(_ bytes: [UInt8], startsInput: Bool) -> [Int] {
        guard let preTokenizer else { return model.tokenize(bytes) }
        if let byteLevelFastPath { return byteLevelFastPath.encode(bytes, model: model) }
        let scalars = Array(String(decoding: bytes, as: UTF8.self).unicodeScalars)
        var ids: [Int] = []
        for word in preTokenizer.apply([scalars], startsInput: startsInput) {
            var utf8: [UInt8] = []
            utf8.reserveCapacity(word.count * 2)
            for scalar in word { scalar.appendUTF8(to: &utf8) }
            ids.append(contentsOf: model.tokenize(utf8))
        }
        return ids
    }

    // MARK: Decoding

    /// The text of `ids`, special tokens included (as `tokenizers`' `decode(ids, skip_special_tokens=False)`).
    /// Ids outside the vocabulary are skipped.
    public func decode(_ ids: [Int]) -> String { decode(ids, skipSpecialTokens: false) }

    public func decode(_ ids: [Int], skipSpecialTokens: Bool) -> String {
        let tokens = ids.compactMap { id -> String? in
            if skipSpecialTokens, addedTokens[id]?.special == true { return nil }
            return tokenById[id]
        }
        return decoder?.decode(tokens) ?? tokens.joined(separator: " ")
    }

    // MARK: Vocabulary

    /// The id of a token's text (vocabulary or added token), as `token_to_id`.
    public func id(for token: String) -> Int? {
        let bytes = Array(token.utf8)
        return addedTokenIds[bytes] ?? model.vocab[bytes]
    }

    /// The text of a token, as `id_to_token`.
    public func token(for id: Int) -> String? { tokenById[id] }

    /// Whether the id is an added token marked `special`.
    public func isSpecial(_ id: Int) -> Bool { addedTokens[id]?.special == true }
}
