import ArenaScript
import Testing

@Suite struct ParserTests {
    func parse(_ text: String) -> (Program, [Diagnostic]) { Parser.parse(SourceText(text)) }

    func expression(_ text: String) -> Expr? {
        let (program, diagnostics) = parse(text)
        guard diagnostics.isEmpty, case .expression(let e)? = program.statements.first?.kind else { return nil }
        return e
    }

    /// Fully parenthesised form of an expression, to check precedence.
    func shape(_ e: Expr) -> String {
        switch e.kind {
        case .number(let n): return Value.format(n)
        case .identifier(let n): return n
        case .bool(let b): return b ? "true" : "false"
        case .member(let base, let name, _): return shape(base) + "." + name
        case .unary(let op, let x): return "(\(op.rawValue) \(shape(x)))"
        case .binary(let op, let l, let r): return "(\(shape(l)) \(op.rawValue) \(shape(r)))"
        case .call(let callee, _, let args): return callee + "(" + args.map { ($0.label.map { "\($0): " } ?? "") + shape($0.value) }.joined(separator: ", ") + ")"
        case .list(let items): return "[" + items.map(shape).joined(separator: ", ") + "]"
        case .record(let entries): return "[" + entries.map { "\($0.key): \(shape($0.value))" }.joined(separator: ", ") + "]"
        case .string: return "\"...\""
        case .invalid: return "?"
        }
    }

    @Test(arguments: [
        ("a + b * c", "(a + (b * c))"),
        ("a - b - c", "((a - b) - c)"),
        ("-a.b.c + 1", "((- a.b.c) + 1)"),
        ("a.x >= b.x + 0.02 and c or not d", "(((a.x >= (b.x + 0.02)) and c) or (not d))"),
        ("(a + b) * c", "((a + b) * c)"),
        ("f(1, on: [x, y], with: g(z))", "f(1, on: [x, y], with: g(z))"),
        ("gsm8k(limit: 5, fewshot: 0)", "gsm8k(limit: 5, fewshot: 0)"),
        ("[k: 1, limit: 2]", "[k: 1, limit: 2]"),
        ("[:]", "[]"),
    ])
    func precedenceAndShapes(source: String, expected: String) throws {
        let e = try #require(expression(source))
        #expect(shape(e) == expected)
    }

    @Test func nodesSpanTheirSource() throws {
        let e = try #require(expression("  evaluate(m, on: [a, b])"))
        #expect(e.range.start.column == 3)
        #expect(e.range.end.column == 26)
        guard case .call(_, _, let args) = e.kind else { Issue.record("not a call"); return }
        #expect(args[1].labelRange?.start.column == 15)
        #expect(args[1].value.range.start.column == 19)
    }

    @Test func statementsOfEveryKind() {
        let (program, diagnostics) = parse("""
        experiment "x"
        let a = 1; let b = [a]
        for m in b {
            expect m > 0
        }
        seed 3
        limit 10
        b
        """)
        #expect(diagnostics.isEmpty)
        #expect(program.statements.map(\.label) == ["experiment", "let", "let", "for", "seed", "limit", "expression"])
        if case .forLoop(let v, _, _, let body) = program.statements[3].kind {
            #expect(v == "m")
            #expect(body.map(\.label) == ["expect"])
        } else {
            Issue.record("not a for loop")
        }
    }

    @Test func aCallMustOpenOnItsCalleesLine() {
        let (program, diagnostics) = parse("let a = b\n(c)")
        #expect(diagnostics.isEmpty)
        #expect(program.statements.count == 2)
    }

    @Test func recoversAndReportsEachBrokenStatement() {
        let (program, diagnostics) = parse("let = 1\nlet ok = 2\nfor x [1] { }\nseed (\nlimit 5\n")
        #expect(diagnostics.map(\.line) == [1, 3, 5])
        #expect(program.statements.map(\.label) == ["let", "limit"])
    }

    @Test func errorsInsideALoopBodyDoNotLoseTheLoop() {
        let (program, diagnostics) = parse("for m in [1] {\n  let = 2\n  expect m > 0\n}\nseed 1\n")
        #expect(diagnostics.map(\.line) == [2])
        #expect(program.statements.map(\.label) == ["for", "seed"])
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        let (_, diagnostics) = parse("let x = \(deep)")
        #expect(diagnostics.first?.message.contains("nesting is deeper") == true)
    }
}
