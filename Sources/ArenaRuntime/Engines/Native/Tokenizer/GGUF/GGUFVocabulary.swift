import Foundation

/// The kind of a vocabulary entry, `tokenizer.ggml.token_type` as llama.cpp numbers it.
enum GGUFTokenType: Int32, Sendable {
    case undefined = 0, normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
}

/// The tokenizer metadata of a GGUF file (`tokenizer.ggml.*`), checked on reading: every error
/// names the file and the key at fault.
struct GGUFVocabulary: Sendable {
    enum Model: String, Sendable { case gpt2, llama }

    let path: String
    let model: Model
    /// `tokenizer.ggml.pre`; nil when absent (llama.cpp then uses "default").
    let pre: String?
    /// Token text (UTF-8) by id; an empty token reads `[EMPTY_<id>]`, as llama.cpp stores it.
    let tokens: [[UInt8]]
    let types: [GGUFTokenType]
    /// `tokenizer.ggml.scores`, zero where absent.
    let scores: [Float]
    /// `tokenizer.ggml.merges` in rank order, each split at its first space after the first byte.
    let merges: [(left: [UInt8], right: [UInt8])]
    let bosTokenId: Int?
    let eosTokenId: Int?
    let addBOS: Bool?
    let addEOS: Bool?
    let addSpacePrefix: Bool?

    /// The texts llama.cpp takes for end-of-turn/end-of-generation tokens (and marks control).
    static let endOfGenerationTexts = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|end_of_text|>", "<EOT>", "_<EOT>",
        "<|eom_id|>", "</s>", "<end_of_utterance>", "<|return|>", "<|call|>",
    ]

    init(file: GGUFFile) throws {
        path = file.path
        func invalid(_ key: String, _ message: String) -> TokenizerError { .invalidField(file: file.path, field: key, message: message) }
        func string(_ key: String) throws -> String? {
            guard let value = file[key] else { return nil }
            guard let text = value.stringValue else { throw invalid(key, "expected a STRING, found \(value.type)") }
            return text
        }
        func bool(_ key: String) throws -> Bool? {
            guard let value = file[key] else { return nil }
            guard let flag = value.boolValue else { throw invalid(key, "expected a BOOL, found \(value.type)") }
            return flag
        }
        func array(_ key: String, of element: GGUFValueType...) throws -> [GGUFValue]? {
            guard let value = file[key] else { return nil }
            guard case let .array(type, values) = value, element.contains(type) else {
                throw invalid(key, "expected an ARRAY of \(element.map(\.description).joined(separator: " or ")), found \(value.type)")
            }
            return values
        }

        guard let modelName = try string("tokenizer.ggml.model") else { throw invalid("tokenizer.ggml.model", "missing: the file has no tokenizer") }
        guard let model = Model(rawValue: modelName) else {
            throw TokenizerError.unsupported(file: file.path, field: "tokenizer.ggml.model", value: "\"\(modelName)\" (gpt2 and llama are implemented)")
        }
        self.model = model
        pre = try string("tokenizer.ggml.pre")

        guard let tokenValues = try array("tokenizer.ggml.tokens", of: .string) else { throw invalid("tokenizer.ggml.tokens", "missing") }
        var seen: [[UInt8]: Int] = [:]
        tokens = try tokenValues.enumerated().map { id, value in
            var bytes = Array((value.stringValue ?? "").utf8)
            if bytes.isEmpty { bytes = Array("[EMPTY_\(id)]".utf8) }
            if let first = seen.updateValue(id, forKey: bytes) {
                throw invalid("tokenizer.ggml.tokens", "token \(id) repeats token \(first) (\"\(String(decoding: bytes, as: UTF8.self))\")")
            }
            return bytes
        }
        let count = tokens.count

        var types: [GGUFTokenType]
        if let values = try array("tokenizer.ggml.token_type", of: .int32) {
            guard values.count >= count else { throw invalid("tokenizer.ggml.token_type", "\(values.count) entries for \(count) tokens") }
            types = values.prefix(count).map { GGUFTokenType(rawValue: Int32($0.intValue ?? 0)) ?? .undefined }
        } else {
            types = Array(repeating: .normal, count: count)
        }
        // llama.cpp makes the end-of-generation-looking tokens control tokens, whatever the file says.
        for text in Self.endOfGenerationTexts { if let id = seen[Array(text.utf8)] { types[id] = .control } }
        self.types = types
        if let values = try array("tokenizer.ggml.scores", of: .float32, .int32) {
            guard values.count >= count else { throw invalid("tokenizer.ggml.scores", "\(values.count) entries for \(count) tokens") }
            scores = values.prefix(count).map { Float($0.doubleValue ?? 0) }
        } else {
            scores = Array(repeating: 0, count: count)
        }
        if model == .gpt2 {
            guard let values = try array("tokenizer.ggml.merges", of: .string) else { throw invalid("tokenizer.ggml.merges", "missing (a gpt2 tokenizer needs its merges)") }
            merges = values.map { value in
                let bytes = Array((value.stringValue ?? "").utf8)
                guard bytes.count > 1, let space = bytes[1...].firstIndex(of: UInt8(ascii: " ")) else { return ([], []) }
                return (Array(bytes[..<space]), Array(bytes[(space + 1)...]))
            }
        } else {
            merges = []
        }

        // llama.cpp's defaults per model, replaced by the metadata's ids when they are in range.
        func tokenId(_ key: String, default fallback: Int?) throws -> Int? {
            let fallback = fallback.flatMap { $0 < count ? $0 : nil }
            guard let value = file[key] else { return fallback }
            guard let id = value.intValue else { throw invalid(key, "expected an integer, found \(value.type)") }
            return id >= 0 && id < count ? id : fallback
        }
        bosTokenId = try tokenId("tokenizer.ggml.bos_token_id", default: model == .llama ? 1 : 11)
        eosTokenId = try tokenId("tokenizer.ggml.eos_token_id", default: model == .llama ? 2 : 11)
        addBOS = try bool("tokenizer.ggml.add_bos_token")
        addEOS = try bool("tokenizer.ggml.add_eos_token")
        addSpacePrefix = try bool("tokenizer.ggml.add_space_prefix")
    }
}
