/// The `pre_tokenizer` of a `tokenizer.json`: splits each piece of text into words for the model.
indirect enum PreTokenizer: Sendable {
    /// `Split` with a regex (one of the known patterns) or a literal string; `removeMatches` is the
    /// `Removed` behavior, otherwise `Isolated`.
    case split(SplitPattern?, literal: [Unicode.Scalar], removeMatches: Bool)
    /// `ByteLevel`: optional prefix space, optional GPT-2 split, then bytes to characters.
    case byteLevel(addPrefixSpace: Bool, useRegex: Bool)
    /// `Digits`: digits apart from everything else, each alone when `individual`.
    case digits(individual: Bool)
    /// `Metaspace`: spaces become `replacement`, prepended per `prependScheme`, split before it.
    case metaspace(replacement: Unicode.Scalar, prependScheme: String, split: Bool)
    case sequence([PreTokenizer])

    init(_ value: JSONValue, field: String, reader: TokenizerJSONReader) throws {
        let object = try reader.object(value, field)
        let type = try reader.type(object, field)
        switch type {
        case "Split":
            if try reader.bool(object["invert"], field + ".invert", default: false) {
                throw reader.unsupported(field + ".invert", "true")
            }
            let behavior = try reader.string(object["behavior"], field + ".behavior")
            guard behavior == "Isolated" || behavior == "Removed" else { throw reader.unsupported(field + ".behavior", "\"\(behavior)\" (Isolated and Removed are implemented)") }
            let pattern = try reader.pattern(object["pattern"], field + ".pattern")
            if pattern.isRegex {
                guard let known = SplitPattern.recognize(pattern.text) else {
                    throw reader.unsupported(field + ".pattern.Regex", "\"\(pattern.text)\" (the GPT-2, Llama-3 and Qwen2 patterns are implemented)")
                }
                self = .split(known, literal: [], removeMatches: behavior == "Removed")
            } else {
                guard !pattern.text.isEmpty else { throw reader.invalid(field + ".pattern.String", "must not be empty") }
                self = .split(nil, literal: Array(pattern.text.unicodeScalars), removeMatches: behavior == "Removed")
            }
        case "ByteLevel":
            self = .byteLevel(addPrefixSpace: try reader.bool(object["add_prefix_space"], field + ".add_prefix_space", default: true),
                              useRegex: try reader.bool(object["use_regex"], field + ".use_regex", default: true))
        case "Digits":
            self = .digits(individual: try reader.bool(object["individual_digits"], field + ".individual_digits", default: false))
        case "Metaspace":
            let replacement = try reader.string(object["replacement"], field + ".replacement")
            guard replacement.unicodeScalars.count == 1, let scalar = replacement.unicodeScalars.first else {
                throw reader.invalid(field + ".replacement", "expected one character")
            }
            let scheme = try reader.optionalString(object["prepend_scheme"], field + ".prepend_scheme") ?? "always"
            guard ["always", "first", "never"].contains(scheme) else { throw reader.unsupported(field + ".prepend_scheme", "\"\(scheme)\"") }
            self = .metaspace(replacement: scalar, prependScheme: scheme, split: try reader.bool(object["split"], field + ".split", default: true))
        case "Sequence":
            let items = try reader.array(object["pretokenizers"], field + ".pretokenizers")
            self = .sequence(try items.enumerated().map { try PreTokenizer($1, field: "\(field).pretokenizers[\($0)]", reader: reader) })
        default:
            throw reader.unsupported(field + ".type", "\"\(type)\"")
        }
    }

    /// Splits `pieces` further. `isFirstPiece` tells whether the first piece starts the input
    /// (for Metaspace's `first` scheme).
    func apply(_ pieces: [[Unicode.Scalar]], startsInput: Bool) -> [[Unicode.Scalar]] {
        switch self {
        case let .sequence(items):
            return items.reduce(pieces) { $1.apply($0, startsInput: startsInput) }
        case let .split(pattern, literal, removeMatches):
            return pieces.flatMap { piece -> [[Unicode.Scalar]] in
                let ranges = pattern?.matches(in: piece) ?? Self.literalMatches(literal, in: piece)
                return Self.isolate(piece, ranges, removeMatches: removeMatches)
            }
        case let .byteLevel(addPrefixSpace, useRegex):
            return pieces.flatMap { piece -> [[Unicode.Scalar]] in
                var piece = piece
                if addPrefixSpace, piece.first != " " { piece.insert(" ", at: 0) }
                let words = useRegex ? Self.isolate(piece, SplitPattern.gpt2.matches(in: piece), removeMatches: false) : [piece]
                return words.map { word in
                    var bytes: [UInt8] = []
                    bytes.reserveCapacity(word.count * 2)
                    for scalar in word { scalar.appendUTF8(to: &bytes) }
                    return bytes.map { ByteLevelAlphabet.scalarForByte[Int($0)] }
                }
            }
        case let .digits(individual):
            return pieces.flatMap { piece -> [[Unicode.Scalar]] in
                var ranges: [Range<Int>] = []
                var i = 0
                while i < piece.count {
                    guard ScalarClass.of(piece[i]).contains(.number) else { i += 1; continue }
                    var end = i + 1
                    if !individual { while end < piece.count, ScalarClass.of(piece[end]).contains(.number) { end += 1 } }
                    ranges.append(i..<end)
                    i = end
                }
                return Self.isolate(piece, ranges, removeMatches: false)
            }
        case let .metaspace(replacement, scheme, split):
            return pieces.enumerated().flatMap { index, piece -> [[Unicode.Scalar]] in
                var word = piece.map { $0 == " " ? replacement : $0 }
                let prepend = scheme == "always" || (scheme == "first" && index == 0 && startsInput)
                if prepend, word.first != replacement { word.insert(replacement, at: 0) }
                guard split else { return [word] }
                // Split before each replacement character (MergedWithNext).
                var result: [[Unicode.Scalar]] = []
                var current: [Unicode.Scalar] = []
                for scalar in word {
                    if scalar == replacement, !current.isEmpty { result.append(current); current = [] }
                    current.append(scalar)
                }
                if !current.isEmpty { result.append(current) }
                return result
            }
        }
    }

    private static func literalMatches(_ literal: [Unicode.Scalar], in piece: [Unicode.Scalar]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var i = 0
        while i + literal.count <= piece.count {
            if piece[i..<(i + literal.count)].elementsEqual(literal) {
                ranges.append(i..<(i + literal.count))
                i += literal.count
            } else {
                i += 1
            }
        }
        return ranges
    }

    /// The matches as pieces of their own, with the text between them (`Isolated`), or only the
    /// text between them (`Removed`); empty pieces are dropped.
    private static func isolate(_ piece: [Unicode.Scalar], _ ranges: [Range<Int>], removeMatches: Bool) -> [[Unicode.Scalar]] {
        var result: [[Unicode.Scalar]] = []
        var last = 0
        for range in ranges {
            if range.lowerBound > last { result.append(Array(piece[last..<range.lowerBound])) }
            if !removeMatches, !range.isEmpty { result.append(Array(piece[range])) }
            last = range.upperBound
        }
        if last < piece.count { result.append(Array(piece[last...])) }
        return result
    }
}
