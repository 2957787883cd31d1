/// Parses a Python `re` pattern (str pattern, default flags) into a `RegexNode`. Supported:
/// literals and escapes, `.`, classes with ranges and `\d \w \s` (and negations), `^ $ \A \Z \b \B`,
/// groups (capturing, `(?:`, `(?P<name>`), lookahead, alternation, greedy and lazy `* + ? {m,n}`,
/// global flags `(?i) (?m) (?s)` at the start and scoped `(?flags-flags:...)`, comments.
/// Anything else (backreferences, lookbehind, possessive repeats, verbose or ASCII mode) is
/// rejected with a `PythonRegexError` rather than matched differently from Python.
struct PythonRegexParser {
    let pattern: String
    private let chars: [Unicode.Scalar]
    private var pos = 0
    private(set) var groupCount = 0
    private var dotAll = false
    private var ignoreCase = false
    private(set) var multiline = false

    init(_ pattern: String) {
        self.pattern = pattern
        chars = Array(pattern.unicodeScalars)
    }

    mutating func parse() throws -> RegexNode {
        while try parseLeadingGlobalFlags() {}
        let node = try parseAlternation()
        if pos < chars.count { throw error("unbalanced parenthesis") }
        return node
    }

    private func error(_ reason: String, at position: Int? = nil) -> PythonRegexError {
        PythonRegexError(pattern: pattern, position: position ?? pos, reason: reason)
    }

    private var peek: Unicode.Scalar? { pos < chars.count ? chars[pos] : nil }

    private func peek(_ offset: Int) -> Unicode.Scalar? { pos + offset < chars.count ? chars[pos + offset] : nil }

    /// `(?ims)` at the very start of the pattern (Python requires global flags there).
    private mutating func parseLeadingGlobalFlags() throws -> Bool {
        guard peek == "(", peek(1) == "?" else { return false }
        var i = pos + 2
        var flags: [Unicode.Scalar] = []
        while i < chars.count, "aiLmsux".unicodeScalars.contains(chars[i]) { flags.append(chars[i]); i += 1 }
        guard !flags.isEmpty, i < chars.count, chars[i] == ")" else { return false }
        for flag in flags { try apply(flag, on: true, at: pos + 2) }
        pos = i + 1
        return true
    }

    private mutating func apply(_ flag: Unicode.Scalar, on: Bool, at position: Int) throws {
        switch flag {
        case "i": ignoreCase = on
        case "s": dotAll = on
        case "u": break
        case "m": multiline = on
        default: throw error("flag '\(flag)' is not supported", at: position)
        }
    }

    private mutating func parseAlternation() throws -> RegexNode {
        var branches = [try parseSequence()]
        while peek == "|" {
            pos += 1
            branches.append(try parseSequence())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func parseSequence() throws -> RegexNode {
        var items: [RegexNode] = []
        while let c = peek, c != "|", c != ")" {
            guard let atom = try parseAtom() else { continue }
            items.append(try parseQuantifiers(after: atom))
        }
        return items.count == 1 ? items[0] : (items.isEmpty ? .empty : .sequence(items))
    }

    /// `{m}`, `{m,}`, `{,n}`, `{m,n}` at `pos` as (min, max, length), or nil where `{` is a literal.
    private func braceQuantifier() -> (Int, Int?, Int)? {
        guard peek == "{" else { return nil }
        var i = pos + 1
        var low = "", high = ""
        while i < chars.count, chars[i].properties.numericType == .decimal, chars[i].isASCII { low.unicodeScalars.append(chars[i]); i += 1 }
        var sawComma = false
        if i < chars.count, chars[i] == "," {
            sawComma = true
            i += 1
            while i < chars.count, chars[i].isASCII, chars[i].properties.numericType == .decimal { high.unicodeScalars.append(chars[i]); i += 1 }
        }
        guard i < chars.count, chars[i] == "}", !(low.isEmpty && high.isEmpty && !sawComma) else { return nil }
        let minimum = Int(low) ?? 0
        let maximum: Int? = sawComma ? (high.isEmpty ? nil : Int(high)) : minimum
        return (minimum, maximum, i + 1 - pos)
    }

    private mutating func parseQuantifiers(after atom: RegexNode) throws -> RegexNode {
        let start = pos
        var bounds: (Int, Int?)
        switch peek {
        case "*": bounds = (0, nil); pos += 1
        case "+": bounds = (1, nil); pos += 1
        case "?": bounds = (0, 1); pos += 1
        case "{":
            guard let (low, high, length) = braceQuantifier() else { return atom }
            if let high, high < low { throw error("min repeat greater than max repeat", at: start) }
            bounds = (low, high)
            pos += length
        default:
            return atom
        }
        if case .assertion = atom { throw error("nothing to repeat", at: start) }
        if case .empty = atom { throw error("nothing to repeat", at: start) }
        var greedy = true
        if peek == "?" { greedy = false; pos += 1 } else if peek == "+" {
            throw error("possessive repeats are not supported")
        }
        if peek == "*" || peek == "+" || peek == "?" || braceQuantifier() != nil { throw error("multiple repeat") }
        return .repetition(atom, min: bounds.0, max: bounds.1, greedy: greedy)
    }

    /// One atom, or nil for a comment group.
    private mutating func parseAtom() throws -> RegexNode? {
        guard let c = peek else { throw error("unexpected end of pattern") }
        switch c {
        case "(": return try parseGroup()
        case "[": pos += 1; return .scalar(try parseClass())
        case ".": pos += 1; return .scalar(dotAll ? .any : .anyExceptNewline)
        case "^": pos += 1; return .assertion(.lineStart)
        case "$": pos += 1; return .assertion(.lineEnd)
        case "*", "+", "?": throw error("nothing to repeat")
        case "{":
            if braceQuantifier() != nil { throw error("nothing to repeat") }
            pos += 1
            return .scalar(.literal("{", ignoreCase: ignoreCase))
        case "\\": return try parseEscape()
        default:
            pos += 1
            return .scalar(.literal(c, ignoreCase: ignoreCase))
        }
    }

    private mutating func parseGroup() throws -> RegexNode? {
        let open = pos
        pos += 1
        var capturing = true
        let savedFlags = (dotAll, ignoreCase)
        defer { (dotAll, ignoreCase) = savedFlags }
        if peek == "?" {
            pos += 1
            switch peek {
            case ":": pos += 1; capturing = false
            case "#":
                while pos < chars.count, chars[pos] != ")" { pos += 1 }
                guard peek == ")" else { throw error("missing ), unterminated comment", at: open) }
                pos += 1
                return nil
            case "=", "!":
                let negated = peek == "!"
                pos += 1
                let inner = try parseAlternation()
                guard peek == ")" else { throw error("missing ), unterminated subpattern", at: open) }
                pos += 1
                return .lookahead(inner, negated: negated)
            case "P":
                guard peek(1) == "<" else { throw error("named backreferences are not supported") }
                pos += 2
                let nameStart = pos
                while pos < chars.count, chars[pos] != ">" { pos += 1 }
                guard peek == ">", pos > nameStart else { throw error("missing group name", at: nameStart) }
                pos += 1
            case "<": throw error("lookbehind is not supported")
            default:
                try parseScopedFlags()
                capturing = false
            }
        }
        var index: Int?
        if capturing { groupCount += 1; index = groupCount }
        let inner = try parseAlternation()
        guard peek == ")" else { throw error("missing ), unterminated subpattern", at: open) }
        pos += 1
        return .group(index, inner)
    }

    /// `(?flags-flags:` after the `(?`; global flags in the middle are an error in Python.
    private mutating func parseScopedFlags() throws {
        var on = true
        var sawFlag = false
        while let c = peek, c != ":" {
            if c == "-" && on { on = false; pos += 1; continue }
            if c == "m" { throw error("MULTILINE in a scoped group is not supported") }
            guard "isuxaL".unicodeScalars.contains(c) else {
                if c == ")" { throw error("global flags not at the start of the expression") }
                throw error("unknown extension ?\(c)")
            }
            try apply(c, on: on, at: pos)
            sawFlag = true
            pos += 1
        }
        guard peek == ":", sawFlag else { throw error("missing flag or ':'") }
        pos += 1
    }

    private mutating func parseClass() throws -> ScalarTest {
        let open = pos - 1
        var negated = false
        if peek == "^" { negated = true; pos += 1 }
        var items: [ClassItem] = []
        var first = true
        while true {
            guard let c = peek else { throw error("unterminated character set", at: open) }
            if c == "]" && !first { pos += 1; break }
            first = false
            let itemStart = pos
            let low = try parseClassMember()
            if peek == "-", let next = peek(1), next != "]" {
                pos += 1
                let high = try parseClassMember()
                guard case let .range(a, _) = low, case let .range(b, _) = high, a <= b else {
                    throw error("bad character range", at: itemStart)
                }
                items.append(.range(a, b))
            } else {
                items.append(low)
            }
        }
        return .set(items, negated: negated, ignoreCase: ignoreCase)
    }

    private mutating func parseClassMember() throws -> ClassItem {
        guard let c = peek else { throw error("unterminated character set") }
        guard c == "\\" else { pos += 1; return .range(c.value, c.value) }
        let start = pos
        pos += 1
        guard let e = peek else { throw error("bad escape (end of pattern)", at: start) }
        pos += 1
        switch e {
        case "d": return .digit(negated: false)
        case "D": return .digit(negated: true)
        case "w": return .word(negated: false)
        case "W": return .word(negated: true)
        case "s": return .space(negated: false)
        case "S": return .space(negated: true)
        case "b": return .range(8, 8)
        default:
            let scalar = try escapedScalar(e, start: start)
            return .range(scalar.value, scalar.value)
        }
    }

    private mutating func parseEscape() throws -> RegexNode {
        let start = pos
        pos += 1
        guard let e = peek else { throw error("bad escape (end of pattern)", at: start) }
        pos += 1
        switch e {
        case "A": return .assertion(.textStart)
        case "Z": return .assertion(.textEnd)
        case "b": return .assertion(.wordBoundary)
        case "B": return .assertion(.notWordBoundary)
        case "d": return .scalar(.set([.digit(negated: false)], negated: false, ignoreCase: false))
        case "D": return .scalar(.set([.digit(negated: true)], negated: false, ignoreCase: false))
        case "w": return .scalar(.set([.word(negated: false)], negated: false, ignoreCase: false))
        case "W": return .scalar(.set([.word(negated: true)], negated: false, ignoreCase: false))
        case "s": return .scalar(.set([.space(negated: false)], negated: false, ignoreCase: false))
        case "S": return .scalar(.set([.space(negated: true)], negated: false, ignoreCase: false))
        default: return .scalar(.literal(try escapedScalar(e, start: start), ignoreCase: ignoreCase))
        }
    }

    /// The code point an escape other than a class or assertion stands for.
    private mutating func escapedScalar(_ e: Unicode.Scalar, start: Int) throws -> Unicode.Scalar {
        switch e {
        case "n": return "\n"
        case "t": return "\t"
        case "r": return "\r"
        case "f": return "\u{0C}"
        case "v": return "\u{0B}"
        case "a": return "\u{07}"
        case "x": return try hexScalar(digits: 2, start: start)
        case "u": return try hexScalar(digits: 4, start: start)
        case "U": return try hexScalar(digits: 8, start: start)
        case "0":
            var value: UInt32 = 0
            var count = 0
            while count < 2, let c = peek, ("0"..."7").contains(c) { value = value * 8 + (c.value - 48); pos += 1; count += 1 }
            return Unicode.Scalar(value) ?? "\0"
        default:
            if e.properties.numericType == .decimal && e.isASCII { throw error("backreferences are not supported", at: start) }
            if e.isASCII && e.properties.isAlphabetic { throw error("bad escape \\\(e)", at: start) }
            return e
        }
    }

    private mutating func hexScalar(digits: Int, start: Int) throws -> Unicode.Scalar {
        guard pos + digits <= chars.count else { throw error("incomplete escape", at: start) }
        let text = PythonText.string(chars[pos..<(pos + digits)])
        guard text.unicodeScalars.allSatisfy({ $0.properties.isASCIIHexDigit }), let value = UInt32(text, radix: 16), let scalar = Unicode.Scalar(value) else {
            throw error("bad escape \(text)", at: start)
        }
        pos += digits
        return scalar
    }
}
