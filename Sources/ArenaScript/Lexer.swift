/// Turns source text into tokens. Never stops at a bad character: each problem becomes a
/// diagnostic and lexing goes on, so one run reports every lexical error.
public struct Lexer {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private var column = 1
    private var sawNewline = true
    /// Where the last token ended; the end-of-file token sits there, not on a trailing blank line.
    private var lastTokenEnd = SourcePosition(offset: 0, line: 1, column: 1)
    public private(set) var diagnostics: [Diagnostic] = []
    public private(set) var comments: [Comment] = []

    public init(_ source: SourceText) {
        self.scalars = source.scalars
    }

    /// All tokens of the file, ending with `.end`.
    public mutating func tokenize() -> [Token] {
        var tokens: [Token] = []
        while true {
            let token = nextToken(insideInterpolation: false)
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    // MARK: Cursor

    private var position: SourcePosition { SourcePosition(offset: index, line: line, column: column) }
    private var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }
    private func peek(_ ahead: Int = 1) -> Unicode.Scalar? {
        index + ahead < scalars.count ? scalars[index + ahead] : nil
    }

    private mutating func advance() {
        guard index < scalars.count else { return }
        if scalars[index] == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
        index += 1
    }

    private mutating func error(_ message: String, from start: SourcePosition, hint: String? = nil) {
        diagnostics.append(.error(message, at: SourceRange(start: start, end: position), hint: hint))
    }

    // MARK: Tokens

    private mutating func skipTrivia() {
        while let c = current {
            if c == "\n" {
                sawNewline = true
                advance()
            } else if c == " " || c == "\t" || c == "\r" {
                advance()
            } else if c == "#" || (c == "/" && peek() == "/") {
                let start = position
                var text = ""
                while let d = current, d != "\n" {
                    text.unicodeScalars.append(d)
                    advance()
                }
                comments.append(Comment(text: text, range: SourceRange(start: start, end: position)))
            } else {
                return
            }
        }
    }

    private mutating func nextToken(insideInterpolation: Bool) -> Token {
        while true {
            skipTrivia()
            let start = position
            let startsLine = sawNewline
            guard let c = current else {
                return Token(kind: .end, range: SourceRange(start: lastTokenEnd, end: lastTokenEnd), startsLine: true)
            }
            if insideInterpolation, c == "\n" { return Token(kind: .end, range: SourceRange(start: start, end: start), startsLine: true) }
            if let kind = lexKind(c, start: start) {
                sawNewline = false
                lastTokenEnd = position
                return Token(kind: kind, range: SourceRange(start: start, end: position), startsLine: startsLine)
            }
        }
    }

    /// The token starting at `c`, or nil after reporting a character that starts none.
    private mutating func lexKind(_ c: Unicode.Scalar, start: SourcePosition) -> TokenKind? {
        if c == "\"" { return .string(lexString(start: start)) }
        if Self.isDigit(c) { return lexNumber(start: start) }
        if Self.isIdentifierStart(c) {
            var name = ""
            while let d = current, Self.isIdentifierPart(d) {
                name.unicodeScalars.append(d)
                advance()
            }
            if let k = Keyword(rawValue: name) { return .keyword(k) }
            return .identifier(name)
        }
        advance()
        switch c {
        case "(": return .leftParen
        case ")": return .rightParen
        case "[": return .leftBracket
        case "]": return .rightBracket
        case "{": return .leftBrace
        case "}": return .rightBrace
        case ",": return .comma
        case ":": return .colon
        case ";": return .semicolon
        case ".": return .dot
        case "+": return .plus
        case "-": return .minus
        case "*": return .star
        case "/": return .slash
        case "=": return matchEqual() ? .equalEqual : .equal
        case "<": return matchEqual() ? .lessEqual : .less
        case ">": return matchEqual() ? .greaterEqual : .greater
        case "!":
            if matchEqual() { return .bangEqual }
            error("unexpected character '!'", from: start, hint: "use 'not' to negate a condition")
            return nil
        default:
            let shown = c.properties.isWhitespace || c.value < 0x20 ? "U+\(String(c.value, radix: 16, uppercase: true))" : String(c)
            error("unexpected character '\(shown)'", from: start)
            return nil
        }
    }

    private mutating func matchEqual() -> Bool {
        guard current == "=" else { return false }
        advance()
        return true
    }

    private mutating func lexNumber(start: SourcePosition) -> TokenKind {
        var text = ""
        // Take the whole run of number-like characters so `1.2.3` or `12abc` is one bad number.
        while let c = current {
            if Self.isIdentifierPart(c) || c == "." && peek().map(Self.isDigit) == true {
                text.unicodeScalars.append(c)
                advance()
            } else if (c == "+" || c == "-"), let last = text.unicodeScalars.last, last == "e" || last == "E",
                      peek().map(Self.isDigit) == true {
                text.unicodeScalars.append(c)
                advance()
            } else {
                break
            }
        }
        let digits = String(text.filter { $0 != "_" })
        let shapeOK = text.first.map { $0.isNumber } == true && !text.hasSuffix("_") && !text.contains("__")
            && digits.unicodeScalars.allSatisfy { Self.isDigit($0) || "eE.+-".unicodeScalars.contains($0) }
        guard shapeOK, let value = Double(digits), value.isFinite else {
            error("invalid number '\(text)'", from: start, hint: "numbers look like 42, 0.5, 1_000 or 1e-3")
            return .number(0)
        }
        return .number(value)
    }

    private mutating func lexString(start: SourcePosition) -> [StringPiece] {
        advance()  // opening quote
        var pieces: [StringPiece] = []
        var text = ""
        var interpolationFailed = false
        while true {
            guard let c = current, c != "\n" else {
                if !interpolationFailed {
                    error("unterminated string literal", from: start, hint: "close the string with '\"' on the same line")
                }
                break
            }
            if c == "\"" {
                advance()
                break
            }
            if c != "\\" {
                text.unicodeScalars.append(c)
                advance()
                continue
            }
            let escapeStart = position
            advance()
            guard let e = current, e != "\n" else { continue }
            advance()
            switch e {
            case "n": text += "\n"
            case "t": text += "\t"
            case "r": text += "\r"
            case "0": text += "\0"
            case "\"": text += "\""
            case "\\": text += "\\"
            case "(":
                if !text.isEmpty { pieces.append(.text(text)) }
                text = ""
                if let piece = lexInterpolation(escapeStart: escapeStart) {
                    pieces.append(piece)
                } else {
                    interpolationFailed = true
                }
            default:
                error("invalid escape sequence '\\\(e)' in string", from: escapeStart,
                      hint: "valid escapes are \\n \\t \\r \\0 \\\" \\\\ and \\( expression )")
            }
        }
        if !text.isEmpty || pieces.isEmpty { pieces.append(.text(text)) }
        return pieces
    }

    /// Tokens of `\( ... )` up to the matching `)`, which is consumed but not returned; nil (after
    /// one diagnostic in place of whatever went wrong inside) when the line ends first.
    private mutating func lexInterpolation(escapeStart: SourcePosition) -> StringPiece? {
        var tokens: [Token] = []
        var depth = 0
        let diagnosticsBefore = diagnostics.count
        var exprEnd = position
        while true {
            let token = nextToken(insideInterpolation: true)
            if token.kind == .end || diagnostics.count > diagnosticsBefore && diagnostics.last?.message == "unterminated string literal" {
                diagnostics.removeSubrange(diagnosticsBefore...)
                diagnostics.append(.error("unterminated interpolation in string", at: SourceRange(start: escapeStart, end: position),
                                          hint: "close it with ')' before the end of the line"))
                sawNewline = false
                return nil
            }
            if token.kind == .leftParen { depth += 1 }
            if token.kind == .rightParen {
                if depth == 0 {
                    tokens.append(Token(kind: .end, range: token.range, startsLine: false))
                    break
                }
                depth -= 1
            }
            exprEnd = token.range.end
            tokens.append(token)
        }
        sawNewline = false
        return .interpolation(tokens, range: SourceRange(start: escapeStart, end: exprEnd))
    }

    static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
    static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_"
    }
    static func isIdentifierPart(_ c: Unicode.Scalar) -> Bool { isIdentifierStart(c) || isDigit(c) }
}
