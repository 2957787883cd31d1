import ArenaScript
import Testing

@Suite struct LexerTests {
    func lex(_ text: String) -> ([Token], [Diagnostic]) {
        var lexer = Lexer(SourceText(text))
        let tokens = lexer.tokenize()
        return (tokens, lexer.diagnostics)
    }

    @Test func tokensCarryTheirLineAndColumn() {
        let (tokens, diagnostics) = lex("let x = 1\n  seed  42 // note\n")
        #expect(diagnostics.isEmpty)
        let positions = tokens.map { "\($0.range.start.line):\($0.range.start.column)-\($0.range.end.column)" }
        #expect(positions == ["1:1-4", "1:5-6", "1:7-8", "1:9-10", "2:3-7", "2:9-11", "2:11-11"])
        // The end-of-file token sits right after the last token, so errors there point at real text.
        #expect(tokens.map(\.startsLine) == [true, false, false, false, true, false, true])
        #expect(tokens[5].kind == .number(42))
    }

    @Test(arguments: [("0.5", 0.5), ("1_000", 1000.0), ("1e-3", 0.001), ("2E+2", 200.0), ("007", 7.0)])
    func numbersInAllTheirForms(text: String, value: Double) {
        let (tokens, diagnostics) = lex(text)
        #expect(diagnostics.isEmpty)
        #expect(tokens.first?.kind == .number(value))
    }

    @Test(arguments: ["1.2.3", "12abc", "1__0", "3_", "1e"])
    func malformedNumbersAreOneError(text: String) {
        let (tokens, diagnostics) = lex(text)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.message == "invalid number '\(text)'")
        #expect(diagnostics.first?.range.end.column == text.count + 1)
        #expect(tokens.count == 2)
    }

    @Test func escapesAndInterpolationSplitAString() {
        let (tokens, diagnostics) = lex(#""a\tb\"\\ run-\(x + 1)!""#)
        #expect(diagnostics.isEmpty)
        guard case .string(let pieces) = tokens.first?.kind else {
            Issue.record("not a string: \(String(describing: tokens.first))")
            return
        }
        #expect(pieces.count == 3)
        #expect(pieces.first == .text("a\tb\"\\ run-"))
        #expect(pieces.last == .text("!"))
        if case .interpolation(let inner, _) = pieces[1] {
            #expect(inner.map(\.kind) == [.identifier("x"), .plus, .number(1), .end])
            #expect(inner.first?.range.start.column == 17)
        } else {
            Issue.record("middle piece is not an interpolation")
        }
    }

    @Test func nestedParenthesesInsideAnInterpolation() {
        let (tokens, diagnostics) = lex(#""\(f(a, (b)))x""#)
        #expect(diagnostics.isEmpty)
        guard case .string(let pieces) = tokens.first?.kind, case .interpolation(let inner, _) = pieces.first else {
            Issue.record("no interpolation")
            return
        }
        #expect(inner.count == 9)
        #expect(pieces.last == .text("x"))
    }

    @Test func bothCommentStylesAreKeptAside() {
        let (tokens, diagnostics) = lex("# first\nseed 1 // second\n")
        #expect(diagnostics.isEmpty)
        #expect(tokens.count == 3)
        var lexer = Lexer(SourceText("# first\nseed 1 // second\n"))
        _ = lexer.tokenize()
        #expect(lexer.comments.map(\.text) == ["# first", "// second"])
        #expect(lexer.comments.map(\.range.start.line) == [1, 2])
    }

    @Test func everyLexicalErrorInAFileIsReported() {
        let (_, diagnostics) = lex("let a = \"x\\z\"\nlet b = $\nlet c = \"open\n")
        #expect(diagnostics.map(\.message) == ["invalid escape sequence '\\z' in string", "unexpected character '$'", "unterminated string literal"])
        #expect(diagnostics.map(\.line) == [1, 2, 3])
    }

    @Test func columnsCountScalarsNotBytes() {
        let (tokens, _) = lex("let é = \"ü\" ")
        // 'é' is not an identifier character: it is reported at column 5, and the string after it starts at column 9.
        #expect(tokens.first { if case .string = $0.kind { true } else { false } }?.range.start.column == 9)
    }
}
