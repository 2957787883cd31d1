/// The pre-tokenizer split regexes of GPT-2, Llama-3 and Qwen2, matched by a hand-written scanner
/// with the regexes' exact semantics (ordered alternation, greedy quantifiers with backtracking,
/// Unicode `\p{L}`, `\p{N}` and `\s` = White_Space, on code points) instead of a regex engine.
struct SplitPattern: Sendable, Equatable {
    enum Style: Sendable { case gpt2, llama3 }
    let style: Style
    /// `(?i:...)` around the contractions (Llama-3, Qwen2).
    let caseInsensitiveContractions: Bool
    /// At most this many digits per piece (`\p{N}{1,3}` in Llama-3, `\p{N}` in Qwen2).
    let maxDigits: Int
    /// Whether the case-insensitive contractions fold ſ (U+017F) to s, as Unicode case folding
    /// (`tokenizers`) does; llama.cpp's `'[sS]` spelling does not.
    var foldsLongS = true

    static let gpt2Source = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
    static let llama3Source = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    static let qwen2Source = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

    static let gpt2 = SplitPattern(style: .gpt2, caseInsensitiveContractions: false, maxDigits: Int.max)
    static let llama3 = SplitPattern(style: .llama3, caseInsensitiveContractions: true, maxDigits: 3)
    static let qwen2 = SplitPattern(style: .llama3, caseInsensitiveContractions: true, maxDigits: 1)

    /// The scanner for a regex source, or nil when the pattern is not one of the known ones.
    static func recognize(_ source: String) -> SplitPattern? {
        switch source {
        case gpt2Source: return gpt2
        case llama3Source: return llama3
        case qwen2Source: return qwen2
        default: return nil
        }
    }

    /// The non-overlapping matches, leftmost first, as ranges of indices into `scalars`.
    func matches(in scalars: [Unicode.Scalar]) -> [Range<Int>] {
        let classes = scalars.map(ScalarClass.of)
        var result: [Range<Int>] = []
        var i = 0
        while i < scalars.count {
            if let end = match(at: i, scalars: scalars, classes: classes) {
                result.append(i..<end)
                i = end
            } else {
                i += 1
            }
        }
        return result
    }

    private func match(at i: Int, scalars: [Unicode.Scalar], classes: [ScalarClass]) -> Int? {
        let n = scalars.count
        if scalars[i] == "'", let end = contraction(at: i, scalars: scalars) { return end }
        func letters(from j: Int) -> Int {
            var k = j
            while k < n, classes[k].contains(.letter) { k += 1 }
            return k
        }
        // Letters, with one optional leading character.
        if classes[i].contains(.letter) { return letters(from: i) }
        if i + 1 < n, classes[i + 1].contains(.letter) {
            switch style {
            case .gpt2 where scalars[i] == " ":
                return letters(from: i + 1)
            case .llama3 where !classes[i].contains(.newline) && !classes[i].contains(.number):
                return letters(from: i + 1)
            default: break
            }
        }
        // Digits.
        var digitStart = i
        if style == .gpt2, scalars[i] == " ", i + 1 < n, classes[i + 1].contains(.number) { digitStart = i + 1 }
        if classes[digitStart].contains(.number) {
            var k = digitStart
            while k < n, classes[k].contains(.number), k - digitStart < maxDigits { k += 1 }
            return k
        }
        // Other symbols, with an optional leading space (and trailing newlines in Llama-3).
        var symbolStart = i
        if scalars[i] == " ", i + 1 < n, classes[i + 1].isSymbol { symbolStart = i + 1 }
        if classes[symbolStart].isSymbol {
            var k = symbolStart
            while k < n, classes[k].isSymbol { k += 1 }
            if style == .llama3 { while k < n, classes[k].contains(.newline) { k += 1 } }
            return k
        }
        // Whitespace.
        guard classes[i].contains(.space) else { return nil }
        var end = i
        var lastNewline: Int?
        while end < n, classes[end].contains(.space) {
            if classes[end].contains(.newline) { lastNewline = end }
            end += 1
        }
        if style == .llama3, let lastNewline { return lastNewline + 1 }   // \s*[\r\n]+
        if end == n || end - i == 1 { return end }                          // \s+(?!\S) or \s+
        return end - 1                                                      // \s+(?!\S), backtracked
    }

    /// `'s|'t|'re|'ve|'m|'ll|'d`, case-insensitively (with Unicode case folding: ſ is s) when asked.
    private func contraction(at i: Int, scalars: [Unicode.Scalar]) -> Int? {
        func folded(_ k: Int) -> Unicode.Scalar? {
            guard k < scalars.count else { return nil }
            let s = scalars[k]
            guard caseInsensitiveContractions else { return s }
            if s.value == 0x17F, foldsLongS { return "s" }
            if s.value >= 0x41 && s.value <= 0x5A, let lower = Unicode.Scalar(s.value + 0x20) { return lower }
            return s
        }
        switch folded(i + 1) {
        case "s", "t", "m", "d": return i + 2
        case "r", "v": return folded(i + 2) == "e" ? i + 3 : nil
        case "l": return folded(i + 2) == "l" ? i + 3 : nil
        default: return nil
        }
    }
}

/// The character classes the split patterns test, per code point.
struct ScalarClass: OptionSet, Sendable {
    let rawValue: UInt8
    static let letter = ScalarClass(rawValue: 1)   // \p{L}
    static let number = ScalarClass(rawValue: 2)   // \p{N}
    static let space = ScalarClass(rawValue: 4)    // \s (White_Space)
    static let newline = ScalarClass(rawValue: 8)  // [\r\n]

    /// `[^\s\p{L}\p{N}]`
    var isSymbol: Bool { isDisjoint(with: [.letter, .number, .space]) }

    private static let ascii: [ScalarClass] = (0..<128).map { classify(Unicode.Scalar(UInt8($0))) }

    static func of(_ scalar: Unicode.Scalar) -> ScalarClass {
        scalar.value < 128 ? ascii[Int(scalar.value)] : classify(scalar)
    }

    private static func classify(_ scalar: Unicode.Scalar) -> ScalarClass {
        var result: ScalarClass = []
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            result.insert(.letter)
        case .decimalNumber, .letterNumber, .otherNumber:
            result.insert(.number)
        default: break
        }
        if scalar.properties.isWhitespace { result.insert(.space) }
        if scalar == "\r" || scalar == "\n" { result.insert(.newline) }
        return result
    }
}
