/// Expressions, lowest precedence first: `or`, `and`, `not`, one comparison, `+ -`, `* /`,
/// unary `-`, then member access and calls.
extension Parser {
    mutating func parseExpression() throws(Diagnostic) -> Expr {
        try enterNesting()
        defer { depth -= 1 }
        return try parseOr()
    }

    private mutating func parseOr() throws(Diagnostic) -> Expr {
        var left = try parseAnd()
        while match(.keyword(.or)) {
            let right = try parseAnd()
            left = Expr(.binary(.or, left, right), SourceRange(from: left.range, to: right.range))
        }
        return left
    }

    private mutating func parseAnd() throws(Diagnostic) -> Expr {
        var left = try parseNot()
        while match(.keyword(.and)) {
            let right = try parseNot()
            left = Expr(.binary(.and, left, right), SourceRange(from: left.range, to: right.range))
        }
        return left
    }

    private mutating func parseNot() throws(Diagnostic) -> Expr {
        guard current.kind == .keyword(.not) else { return try parseComparison() }
        let start = advance().range
        try enterNesting()
        defer { depth -= 1 }
        let operand = try parseNot()
        return Expr(.unary(.not, operand), SourceRange(from: start, to: operand.range))
    }

    private static func comparison(_ kind: TokenKind) -> BinaryOperator? {
        switch kind {
        case .equalEqual: .equal
        case .bangEqual: .notEqual
        case .less: .less
        case .lessEqual: .lessEqual
        case .greater: .greater
        case .greaterEqual: .greaterEqual
        default: nil
        }
    }

    private mutating func parseComparison() throws(Diagnostic) -> Expr {
        let left = try parseAdditive()
        guard let op = Self.comparison(current.kind) else { return left }
        advance()
        let right = try parseAdditive()
        if Self.comparison(current.kind) != nil {
            throw Diagnostic.error("comparisons cannot be chained", at: current.range,
                                   hint: "join two comparisons with 'and': a < b and b < c")
        }
        return Expr(.binary(op, left, right), SourceRange(from: left.range, to: right.range))
    }

    private mutating func parseAdditive() throws(Diagnostic) -> Expr {
        var left = try parseMultiplicative()
        while current.kind == .plus || current.kind == .minus {
            let op: BinaryOperator = advance().kind == .plus ? .add : .subtract
            let right = try parseMultiplicative()
            left = Expr(.binary(op, left, right), SourceRange(from: left.range, to: right.range))
        }
        return left
    }

    private mutating func parseMultiplicative() throws(Diagnostic) -> Expr {
        var left = try parseUnary()
        while current.kind == .star || current.kind == .slash {
            let op: BinaryOperator = advance().kind == .star ? .multiply : .divide
            let right = try parseUnary()
            left = Expr(.binary(op, left, right), SourceRange(from: left.range, to: right.range))
        }
        return left
    }

    private mutating func parseUnary() throws(Diagnostic) -> Expr {
        guard current.kind == .minus else { return try parsePostfix() }
        let start = advance().range
        try enterNesting()
        defer { depth -= 1 }
        let operand = try parseUnary()
        return Expr(.unary(.negate, operand), SourceRange(from: start, to: operand.range))
    }

    private mutating func parsePostfix() throws(Diagnostic) -> Expr {
        var e = try parsePrimary()
        while true {
            if current.kind == .dot {
                advance()
                let (member, memberRange) = try name("a member name after '.'")
                e = Expr(.member(e, name: member, nameRange: memberRange), SourceRange(from: e.range, to: memberRange))
            } else if current.kind == .leftParen && !current.startsLine {
                guard case .identifier(let callee) = e.kind else {
                    throw Diagnostic.error("only built-in functions can be called", at: current.range,
                                           hint: "call a built-in by its name, like gsm8k(fewshot: 5)")
                }
                advance()
                let (arguments, close) = try parseArguments()
                e = Expr(.call(callee: callee, calleeRange: e.range, arguments: arguments), SourceRange(from: e.range, to: close))
            } else {
                return e
            }
        }
    }

    private mutating func parseArguments() throws(Diagnostic) -> ([CallArgument], SourceRange) {
        let open = previous
        var arguments: [CallArgument] = []
        while current.kind != .rightParen {
            var label: String?
            var labelRange: SourceRange?
            if peek().kind == .colon, case .identifier = current.kind {
                (label, labelRange) = try name("an argument label")
                advance()
            } else if peek().kind == .colon, case .keyword = current.kind {
                (label, labelRange) = try name("an argument label")
                advance()
            }
            let value = try parseExpression()
            arguments.append(CallArgument(label: label, labelRange: labelRange, value: value,
                                      range: SourceRange(from: labelRange ?? value.range, to: value.range)))
            if !match(.comma) {
                guard current.kind == .rightParen else {
                    throw unexpected(expected: "',' or ')' in the argument list",
                                     hint: "separate arguments with ',' and end the list with ')' (opened at line \(open.range.start.line), column \(open.range.start.column))")
                }
            }
        }
        return (arguments, advance().range)
    }

    private mutating func parsePrimary() throws(Diagnostic) -> Expr {
        let token = current
        switch token.kind {
        case .number(let v):
            advance()
            return Expr(.number(v), token.range)
        case .string(let pieces):
            advance()
            return Expr(.string(try segments(pieces)), token.range)
        case .keyword(.true), .keyword(.false):
            advance()
            return Expr(.bool(token.kind == .keyword(.true)), token.range)
        case .identifier(let n):
            advance()
            return Expr(.identifier(n), token.range)
        case .leftParen:
            advance()
            let inner = try parseExpression()
            let close = try expect(.rightParen, "')' to close the '(' at line \(token.range.start.line), column \(token.range.start.column)")
            return Expr(inner.kind, SourceRange(from: token.range, to: close.range))
        case .leftBracket:
            return try parseListOrRecord()
        default:
            throw unexpected(expected: "an expression")
        }
    }

    private func segments(_ pieces: [StringPiece]) throws(Diagnostic) -> [StringSegment] {
        var result: [StringSegment] = []
        for piece in pieces {
            switch piece {
            case .text(let t):
                result.append(.text(t))
            case .interpolation(let tokens, let range):
                var inner = Parser(tokens: tokens)
                inner.depth = depth
                guard !inner.atEnd else {
                    throw Diagnostic.error("empty interpolation in string", at: range, hint: "write \\(name) with a value inside")
                }
                let e = try inner.parseExpression()
                if !inner.atEnd { throw inner.unexpected(expected: "')' to end the interpolation") }
                result.append(.interpolation(e))
            }
        }
        return result
    }

    /// `[]`, `[a, b]`, `[:]` or `[key: value, ...]` (keys are names or strings).
    private mutating func parseListOrRecord() throws(Diagnostic) -> Expr {
        let open = advance()
        if current.kind == .colon, peek().kind == .rightBracket {
            advance()
            return Expr(.record([]), SourceRange(from: open.range, to: advance().range))
        }
        let isRecord: Bool = switch current.kind {
        case .identifier, .keyword, .string: peek().kind == .colon
        default: false
        }
        var items: [Expr] = []
        var entries: [RecordEntry] = []
        let closer = "',' or ']' to close the \(isRecord ? "record" : "list") opened at line \(open.range.start.line), column \(open.range.start.column)"
        while current.kind != .rightBracket {
            if isRecord {
                let key: String
                let keyRange = current.range
                if case .string(let pieces) = current.kind {
                    guard pieces.count == 1, case .text(let t) = pieces[0] else {
                        throw Diagnostic.error("a record key cannot be interpolated", at: keyRange)
                    }
                    key = t
                    advance()
                } else {
                    (key, _) = try name("a record key")
                }
                _ = try expect(.colon, "':' after the record key '\(key)'")
                entries.append(RecordEntry(key: key, keyRange: keyRange, value: try parseExpression()))
            } else {
                items.append(try parseExpression())
            }
            if !match(.comma) {
                guard current.kind == .rightBracket else { throw unexpected(expected: closer) }
            }
        }
        let close = advance()
        let range = SourceRange(from: open.range, to: close.range)
        return isRecord ? Expr(.record(entries), range) : Expr(.list(items), range)
    }
}
