/// Builds the syntax tree from tokens. A small cursor over the token array; a statement that fails
/// to parse is reported, the cursor skips to the next statement, and parsing goes on, so one run
/// reports several errors.
public struct Parser {
    var tokens: [Token]
    var index = 0
    var depth = 0
    public private(set) var diagnostics: [Diagnostic] = []
    static let maximumNesting = 64

    public init(tokens: [Token]) {
        self.tokens = tokens.isEmpty ? [Token(kind: .end, range: .zero, startsLine: true)] : tokens
    }

    /// Lexes and parses a whole file; diagnostics from both phases in source order.
    public static func parse(_ source: SourceText) -> (Program, [Diagnostic]) {
        var lexer = Lexer(source)
        let tokens = lexer.tokenize()
        var parser = Parser(tokens: tokens)
        let statements = parser.parseStatements(untilBrace: false)
        return (Program(statements: statements, comments: lexer.comments),
                (lexer.diagnostics + parser.diagnostics).sortedBySource())
    }

    // MARK: Cursor

    var current: Token { tokens[min(index, tokens.count - 1)] }
    var previous: Token { tokens[max(0, min(index, tokens.count) - 1)] }
    var atEnd: Bool { current.kind == .end }

    func peek(_ ahead: Int = 1) -> Token { tokens[min(index + ahead, tokens.count - 1)] }

    @discardableResult
    mutating func advance() -> Token {
        let token = current
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    mutating func match(_ kind: TokenKind) -> Bool {
        guard current.kind == kind else { return false }
        advance()
        return true
    }

    mutating func expect(_ kind: TokenKind, _ what: String, hint: String? = nil) throws(Diagnostic) -> Token {
        guard current.kind == kind else { throw unexpected(expected: what, hint: hint) }
        return advance()
    }

    func unexpected(expected what: String, hint: String? = nil) -> Diagnostic {
        .error("expected \(what), found \(current.display)", at: current.range, hint: hint)
    }

    /// An identifier, or a keyword used as a label or member name (`limit:`, `.seed`).
    mutating func name(_ what: String) throws(Diagnostic) -> (String, SourceRange) {
        switch current.kind {
        case .identifier(let n):
            return (n, advance().range)
        case .keyword(let k):
            return (k.rawValue, advance().range)
        default:
            throw unexpected(expected: what)
        }
    }

    // MARK: Statements

    mutating func parseStatements(untilBrace: Bool) -> [Stmt] {
        var statements: [Stmt] = []
        while !atEnd && !(untilBrace && current.kind == .rightBrace) {
            if match(.semicolon) { continue }
            let statementStart = index
            do {
                let statement = try parseStatement()
                statements.append(statement)
                try endStatement()
            } catch {
                // One error per place: a statement that fails where the last one did adds nothing.
                if diagnostics.last?.range.start != error.range.start { diagnostics.append(error) }
                synchronize(mustAdvance: index == statementStart)
            }
        }
        return statements
    }

    mutating func endStatement() throws(Diagnostic) {
        if match(.semicolon) || atEnd || current.kind == .rightBrace || current.startsLine { return }
        throw unexpected(expected: "a new line or ';' after the statement")
    }

    /// Skips to where the next statement plausibly starts: a statement keyword, a new line
    /// outside brackets opened after the error, a `;`, or a closing `}`.
    mutating func synchronize(mustAdvance: Bool) {
        var nesting = 0
        if mustAdvance {
            // The statement failed on its first token: consume it, or the loop would never move.
            nesting += Self.nestingChange(current.kind)
            advance()
        }
        while !atEnd {
            let token = current
            if case .keyword(let k) = token.kind, [.let, .for, .seed, .limit, .expect, .experiment].contains(k) { return }
            if token.startsLine && nesting <= 0 { return }
            if token.kind == .rightBrace && nesting <= 0 { return }
            if token.kind == .semicolon && nesting <= 0 {
                advance()
                return
            }
            nesting += Self.nestingChange(token.kind)
            advance()
        }
    }

    static func nestingChange(_ kind: TokenKind) -> Int {
        switch kind {
        case .leftParen, .leftBracket, .leftBrace: 1
        case .rightParen, .rightBracket, .rightBrace: -1
        default: 0
        }
    }

    mutating func parseStatement() throws(Diagnostic) -> Stmt {
        let start = current.range
        if current.kind == .rightBrace {
            throw Diagnostic.error("unexpected '}': no block is open here", at: start)
        }
        guard case .keyword(let keyword) = current.kind else {
            let e = try parseExpression()
            return Stmt(.expression(e), e.range)
        }
        switch keyword {
        case .experiment:
            advance()
            let e = try parseExpression()
            return Stmt(.experiment(name: e), SourceRange(from: start, to: e.range))
        case .let:
            advance()
            guard case .identifier(let n) = current.kind else {
                throw unexpected(expected: "a name after 'let'", hint: "write: let name = value")
            }
            let nameRange = advance().range
            _ = try expect(.equal, "'=' after 'let \(n)'", hint: "write: let \(n) = value")
            let e = try parseExpression()
            return Stmt(.binding(name: n, nameRange: nameRange, value: e), SourceRange(from: start, to: e.range))
        case .for:
            return try parseFor()
        case .seed, .limit:
            advance()
            let e = try parseExpression()
            return Stmt(keyword == .seed ? .seed(e) : .limit(e), SourceRange(from: start, to: e.range))
        case .expect:
            advance()
            let e = try parseExpression()
            let confidence = try parseConfidenceClause()
            return Stmt(.expect(e, confidence: confidence), SourceRange(from: start, to: confidence?.range ?? e.range))
        case .in, .and, .or:
            throw unexpected(expected: "a statement")
        case .not, .true, .false:
            let e = try parseExpression()
            return Stmt(.expression(e), e.range)
        }
    }

    /// `with confidence LEVEL` after an `expect` condition, on the same line. `with` and
    /// `confidence` are words only here, not keywords.
    mutating func parseConfidenceClause() throws(Diagnostic) -> Expr? {
        guard current.kind == .identifier("with"), !current.startsLine else { return nil }
        advance()
        guard current.kind == .identifier("confidence"), !current.startsLine else {
            throw unexpected(expected: "'confidence' after 'with'", hint: "write: expect a.task.metric > b.task.metric with confidence 0.95")
        }
        advance()
        if current.kind == .colon {
            throw Diagnostic.error("'with confidence' takes its level without ':'", at: current.range,
                                   hint: "write: with confidence 0.95")
        }
        return try parseExpression()
    }

    mutating func parseFor() throws(Diagnostic) -> Stmt {
        let start = advance().range
        guard case .identifier(let variable) = current.kind else {
            throw unexpected(expected: "a loop variable after 'for'", hint: "write: for x in [a, b] { ... }")
        }
        let variableRange = advance().range
        _ = try expect(.keyword(.in), "'in' after 'for \(variable)'", hint: "write: for \(variable) in [a, b] { ... }")
        let sequence = try parseExpression()
        let open = try expect(.leftBrace, "'{' to start the loop body", hint: "write: for \(variable) in [a, b] { ... }")
        try enterNesting()
        defer { depth -= 1 }
        let body = parseStatements(untilBrace: true)
        guard current.kind == .rightBrace else {
            throw Diagnostic.error("expected '}' to close the loop body opened at line \(open.range.start.line)",
                                   at: current.range)
        }
        let close = advance().range
        return Stmt(.forLoop(variable: variable, variableRange: variableRange, sequence: sequence, body: body),
                         SourceRange(from: start, to: close))
    }

    mutating func enterNesting() throws(Diagnostic) {
        if depth >= Self.maximumNesting {
            throw Diagnostic.error("nesting is deeper than \(Self.maximumNesting) levels", at: current.range)
        }
        depth += 1
    }
}
