/// llama.cpp's pre-tokenizer for a `gpt2` GGUF vocabulary, chosen by `tokenizer.ggml.pre`: a list
/// of regexes applied one after the other, each splitting every piece the previous ones left
/// (matches and the text between them both become pieces), with the flags llama.cpp sets for
/// that name. The regexes are the scanners of `SplitPattern` plus three simple character classes.
struct GGUFPreTokenizer: Sendable, Equatable {
    enum Step: Sendable, Equatable {
        /// The GPT-2, Llama-3 or Qwen2 regex.
        case pattern(SplitPattern)
        /// `\p{N}` (each number character alone) or `\p{N}+`.
        case numbers(individual: Bool)
        /// `[\p{P}\$\+<=>\^~\|]+`
        case punctuation
        /// `[0-9][0-9][0-9]`
        case asciiDigitTriples
    }

    let name: String
    let steps: [Step]
    /// A word that is a token is that token, unmerged (llama.cpp's `ignore_merges`).
    let ignoreMerges: Bool
    /// llama.cpp's `add_bos` before `tokenizer.ggml.add_bos_token` overrides it.
    let addsBOSByDefault: Bool
    /// llama.cpp's `clean_spaces`: decoding drops the space before `?!.,` and some contractions.
    let cleanSpaces: Bool

    /// llama.cpp's adaptation of the Llama-3 and Qwen2 regexes spells the contractions `'[sS]`.
    static let llama3 = { var p = SplitPattern.llama3; p.foldsLongS = false; return p }()
    static let qwen2 = { var p = SplitPattern.qwen2; p.foldsLongS = false; return p }()

    /// The names llama.cpp gives each list of regexes (those implemented here).
    static let known: [(names: [String], steps: [Step], ignoreMerges: Bool, addsBOS: Bool, cleanSpaces: Bool)] = [
        (["default"], [.punctuation, .pattern(.gpt2), .numbers(individual: false), .asciiDigitTriples], false, false, true),
        (["llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2"], [.pattern(llama3)], true, true, true),
        (["dbrx", "smaug-bpe"], [.pattern(llama3)], false, false, true),
        (["gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v2-es", "jina-v2-de", "mpt", "olmo"], [.pattern(.gpt2)], false, false, true),
        (["qwen2", "deepseek-r1-qwen"], [.pattern(qwen2)], false, false, false),
        (["stablelm2"], [.pattern(qwen2)], false, false, true),
        (["smollm", "command-r"], [.numbers(individual: true), .pattern(.gpt2)], false, false, false),
        (["starcoder", "refact"], [.numbers(individual: true), .pattern(.gpt2)], false, false, true),
    ]

    /// The pre-tokenizer llama.cpp uses for `name` (nil: the key is absent, llama.cpp uses
    /// "default"); an unknown name is an error naming the file and the key.
    init(name: String?, file: String) throws {
        let name = name ?? "default"
        guard let entry = Self.known.first(where: { $0.names.contains(name) }) else {
            let names = Self.known.flatMap(\.names).joined(separator: ", ")
            throw TokenizerError.unsupported(file: file, field: "tokenizer.ggml.pre", value: "\"\(name)\" (implemented: \(names))")
        }
        self.name = name
        steps = entry.steps
        ignoreMerges = entry.ignoreMerges
        addsBOSByDefault = entry.addsBOS
        cleanSpaces = entry.cleanSpaces
    }

    /// The words of `scalars`, as consecutive ranges that cover it.
    func words(_ scalars: [Unicode.Scalar]) -> [Range<Int>] {
        var pieces = scalars.isEmpty ? [] : [0 ..< scalars.count]
        for step in steps {
            var next: [Range<Int>] = []
            next.reserveCapacity(pieces.count * 2)
            for piece in pieces {
                var last = piece.lowerBound
                for match in Self.matches(step, scalars, piece) where !match.isEmpty {
                    if match.lowerBound > last { next.append(last ..< match.lowerBound) }
                    next.append(match)
                    last = match.upperBound
                }
                if last < piece.upperBound { next.append(last ..< piece.upperBound) }
            }
            pieces = next
        }
        return pieces
    }

    private static func matches(_ step: Step, _ scalars: [Unicode.Scalar], _ piece: Range<Int>) -> [Range<Int>] {
        switch step {
        case let .pattern(pattern):
            let base = piece.lowerBound
            return pattern.matches(in: Array(scalars[piece])).map { ($0.lowerBound + base) ..< ($0.upperBound + base) }
        case let .numbers(individual):
            return runs(scalars, piece, single: individual) { ScalarClass.of($0).contains(.number) }
        case .punctuation:
            return runs(scalars, piece, single: false, isPunctuation)
        case .asciiDigitTriples:
            var result: [Range<Int>] = []
            var i = piece.lowerBound
            while i + 3 <= piece.upperBound {
                if (i ..< i + 3).allSatisfy({ scalars[$0].value >= 0x30 && scalars[$0].value <= 0x39 }) {
                    result.append(i ..< i + 3)
                    i += 3
                } else {
                    i += 1
                }
            }
            return result
        }
    }

    /// Maximal runs of characters with the property, or each such character alone.
    private static func runs(_ scalars: [Unicode.Scalar], _ piece: Range<Int>, single: Bool, _ test: (Unicode.Scalar) -> Bool) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var i = piece.lowerBound
        while i < piece.upperBound {
            guard test(scalars[i]) else { i += 1; continue }
            var end = i + 1
            if !single { while end < piece.upperBound, test(scalars[end]) { end += 1 } }
            result.append(i ..< end)
            i = end
        }
        return result
    }

    /// `[\p{P}\$\+<=>\^~\|]`
    private static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "$", "+", "<", "=", ">", "^", "~", "|": return true
        default: break
        }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation: return true
        default: return false
        }
    }
}
