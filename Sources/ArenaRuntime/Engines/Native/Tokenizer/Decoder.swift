/// The `decoder` of a `tokenizer.json`: turns token strings back into text. Each step maps the
/// list of token strings to a new list; the result is their concatenation.
indirect enum Decoder: Sendable {
    case byteLevel
    case replace(pattern: String, content: String)
    case byteFallback
    case fuse
    case strip(content: Unicode.Scalar, start: Int, stop: Int)
    case metaspace(replacement: String, prependScheme: String)
    case sequence([Decoder])

    init(_ value: JSONValue, field: String, reader: TokenizerJSONReader) throws {
        let object = try reader.object(value, field)
        let type = try reader.type(object, field)
        switch type {
        case "ByteLevel": self = .byteLevel
        case "ByteFallback": self = .byteFallback
        case "Fuse": self = .fuse
        case "Replace":
            let pattern = try reader.pattern(object["pattern"], field + ".pattern")
            guard !pattern.isRegex else { throw reader.unsupported(field + ".pattern.Regex", "\"\(pattern.text)\" (only String patterns)") }
            guard !pattern.text.isEmpty else { throw reader.invalid(field + ".pattern.String", "must not be empty") }
            self = .replace(pattern: pattern.text, content: try reader.string(object["content"], field + ".content"))
        case "Strip":
            let content = try reader.string(object["content"], field + ".content")
            guard content.unicodeScalars.count == 1, let scalar = content.unicodeScalars.first else { throw reader.invalid(field + ".content", "expected one character") }
            self = .strip(content: scalar, start: try reader.int(object["start"], field + ".start"), stop: try reader.int(object["stop"], field + ".stop"))
        case "Metaspace":
            self = .metaspace(replacement: try reader.string(object["replacement"], field + ".replacement"),
                              prependScheme: try reader.optionalString(object["prepend_scheme"], field + ".prepend_scheme") ?? "always")
        case "Sequence":
            let items = try reader.array(object["decoders"], field + ".decoders")
            self = .sequence(try items.enumerated().map { try Decoder($1, field: "\(field).decoders[\($0)]", reader: reader) })
        default:
            throw reader.unsupported(field + ".type", "\"\(type)\"")
        }
    }

    func decode(_ tokens: [String]) -> String { chain(tokens).joined() }

    func chain(_ tokens: [String]) -> [String] {
        switch self {
        case let .sequence(items):
            return items.reduce(tokens) { $1.chain($0) }
        case .byteLevel:
            var bytes: [UInt8] = []
            for token in tokens {
                var mapped: [UInt8] = []
                var complete = true
                for scalar in token.unicodeScalars {
                    guard let byte = ByteLevelAlphabet.byteForScalar[scalar.value] else { complete = false; break }
                    mapped.append(byte)
                }
                bytes.append(contentsOf: complete ? mapped : Array(token.utf8))
            }
            return [String(decoding: bytes, as: UTF8.self)]
        case let .replace(pattern, content):
            return tokens.map { TextBytes.replacing($0, pattern, with: content) }
        case .byteFallback:
            var result: [String] = []
            var pending: [UInt8] = []
            func flush() {
                guard !pending.isEmpty else { return }
                let text = String(decoding: pending, as: UTF8.self)
                if text.utf8.elementsEqual(pending) {
                    result.append(text)
                } else {
                    result.append(contentsOf: Array(repeating: "\u{FFFD}", count: pending.count))
                }
                pending = []
            }
            for token in tokens {
                if let byte = Self.byteToken(token) {
                    pending.append(byte)
                } else {
                    flush()
                    result.append(token)
                }
            }
            flush()
            return result
        case .fuse:
            return [tokens.joined()]
        case let .strip(content, start, stop):
            return tokens.map { token in
                let scalars = Array(token.unicodeScalars)
                var from = 0
                for i in 0..<min(start, scalars.count) {
                    guard scalars[i] == content else { break }
                    from = i + 1
                }
                var to = scalars.count
                for i in 0..<min(stop, scalars.count) {
                    let index = scalars.count - i - 1
                    guard scalars[index] == content else { break }
                    to = index
                }
                return from < to ? String(String.UnicodeScalarView(scalars[from..<to])) : ""
            }
        case let .metaspace(replacement, scheme):
            // Every replacement character becomes a space, except in the first token, where
            // (unless the scheme is "never") they are dropped.
            return tokens.enumerated().map { index, token in
                TextBytes.replacing(token, replacement, with: index == 0 && scheme != "never" ? "" : " ")
            }
        }
    }

    /// The byte of a `<0xAB>` token.
    private static func byteToken(_ token: String) -> UInt8? {
        let bytes = Array(token.utf8)
        guard bytes.count == 6, bytes[0] == UInt8(ascii: "<"), bytes[1] == UInt8(ascii: "0"), bytes[2] == UInt8(ascii: "x"), bytes[5] == UInt8(ascii: ">") else { return nil }
        return UInt8(String(decoding: bytes[3..<5], as: UTF8.self), radix: 16)
    }
}

/// The `post_processor` of a `tokenizer.json`, as applied to one sequence when special tokens are
/// wanted.
indirect enum PostProcessor: Sendable {
    /// Template items: a special token's ids, or the sequence itself (nil).
    case template([[Int]?])
    case wrap(prefix: [Int], suffix: [Int])
    case passThrough
    case sequence([PostProcessor])

    init(_ value: JSONValue, field: String, reader: TokenizerJSONReader) throws {
        let object = try reader.object(value, field)
        let type = try reader.type(object, field)
        switch type {
        case "ByteLevel": self = .passThrough
        case "TemplateProcessing":
            let specials = try reader.object(object["special_tokens"] ?? .object([:]), field + ".special_tokens")
            var items: [[Int]?] = []
            for (index, item) in try reader.array(object["single"], field + ".single").enumerated() {
                let itemField = "\(field).single[\(index)]"
                let entry = try reader.object(item, itemField)
                if let special = entry["SpecialToken"] {
                    let name = try reader.string(try reader.object(special, itemField + ".SpecialToken")["id"], itemField + ".SpecialToken.id")
                    guard let definition = specials[name]?.objectValue else { throw reader.invalid(itemField, "special token \"\(name)\" is not in \(field).special_tokens") }
                    items.append(try reader.array(definition["ids"], "\(field).special_tokens.\(name).ids").map { try reader.int($0, "\(field).special_tokens.\(name).ids") })
                } else if let sequence = entry["Sequence"] {
                    let id = try reader.string(try reader.object(sequence, itemField + ".Sequence")["id"], itemField + ".Sequence.id")
                    guard id == "A" else { throw reader.invalid(itemField, "a single-sequence template can only use sequence A") }
                    items.append(nil)
                } else {
                    throw reader.invalid(itemField, "expected SpecialToken or Sequence")
                }
            }
            self = .template(items)
        case "RobertaProcessing", "BertProcessing":
            func id(_ name: String) throws -> Int {
                let pair = try reader.array(object[name], "\(field).\(name)")
                guard pair.count == 2 else { throw reader.invalid("\(field).\(name)", "expected [token, id]") }
                return try reader.int(pair[1], "\(field).\(name)[1]")
            }
            self = .wrap(prefix: [try id("cls")], suffix: [try id("sep")])
        case "Sequence":
            let items = try reader.array(object["processors"], field + ".processors")
            self = .sequence(try items.enumerated().map { try PostProcessor($1, field: "\(field).processors[\($0)]", reader: reader) })
        default:
            throw reader.unsupported(field + ".type", "\"\(type)\"")
        }
    }

    func apply(_ ids: [Int]) -> [Int] {
        switch self {
        case .passThrough: return ids
        case let .wrap(prefix, suffix): return prefix + ids + suffix
        case let .template(items): return items.flatMap { $0 ?? ids }
        case let .sequence(items): return items.reduce(ids) { $1.apply($0) }
        }
    }

    /// The first special token a template puts before the sequence (the BOS token), if any.
    var leadingSpecialId: Int? {
        switch self {
        case let .template(items): return items.first.flatMap { $0?.first }
        case let .wrap(prefix, _): return prefix.first
        case .passThrough: return nil
        case let .sequence(items): return items.lazy.compactMap(\.leadingSpecialId).first
        }
    }
}
