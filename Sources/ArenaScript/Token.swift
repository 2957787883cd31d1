/// A part of a string literal: literal text or an interpolated expression's tokens.
public enum StringPiece: Sendable, Hashable {
    case text(String)
    /// The tokens between `\(` and `)`, ending with `.end`; `range` covers the expression text.
    case interpolation([Token], range: SourceRange)
}

public enum Keyword: String, Sendable, Hashable, CaseIterable {
    case experiment, `let`, `for`, `in`, seed, limit, expect, and, or, not, `true`, `false`
}

public enum TokenKind: Sendable, Hashable {
    case identifier(String)
    case keyword(Keyword)
    case number(Double)
    case string([StringPiece])
    case leftParen, rightParen, leftBracket, rightBracket, leftBrace, rightBrace
    case comma, colon, semicolon, dot, equal
    case plus, minus, star, slash
    case equalEqual, bangEqual, less, lessEqual, greater, greaterEqual
    case end
}

/// One lexeme with the exact range it was read from.
public struct Token: Sendable, Hashable {
    public var kind: TokenKind
    public var range: SourceRange
    /// True when a line break separates this token from the previous one (statements end there).
    public var startsLine: Bool

    public init(kind: TokenKind, range: SourceRange, startsLine: Bool) {
        self.kind = kind
        self.range = range
        self.startsLine = startsLine
    }

    /// How the token is named in "expected X, found Y" messages.
    public var display: String {
        switch kind {
        case .identifier(let name): "'\(name)'"
        case .keyword(let k): "'\(k.rawValue)'"
        case .number: "a number"
        case .string: "a string"
        case .leftParen: "'('"
        case .rightParen: "')'"
        case .leftBracket: "'['"
        case .rightBracket: "']'"
        case .leftBrace: "'{'"
        case .rightBrace: "'}'"
        case .comma: "','"
        case .colon: "':'"
        case .semicolon: "';'"
        case .dot: "'.'"
        case .equal: "'='"
        case .plus: "'+'"
        case .minus: "'-'"
        case .star: "'*'"
        case .slash: "'/'"
        case .equalEqual: "'=='"
        case .bangEqual: "'!='"
        case .less: "'<'"
        case .lessEqual: "'<='"
        case .greater: "'>'"
        case .greaterEqual: "'>='"
        case .end: "the end of the file"
        }
    }
}

/// A `//` or `#` comment, kept beside the tokens so notebook cells can show it.
public struct Comment: Sendable, Hashable {
    public var text: String
    public var range: SourceRange
}
