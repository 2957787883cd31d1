import ArenaScript
import Testing

@Suite struct DiagnosticRendererTests {
    let source = SourceText("seed 1\n\tlet x = \"abc\"\nlast")

    func position(_ line: Int, _ column: Int) -> SourcePosition { SourcePosition(offset: 0, line: line, column: column) }

    @Test func printsLocationSourceLineAndUnderline() {
        let d = Diagnostic.error("bad string", at: SourceRange(start: position(2, 10), end: position(2, 15)), hint: "fix it")
        let text = DiagnosticRenderer(fileName: "x.arena", source: source).render(d)
        #expect(text == "x.arena:2:10: error: bad string\n\tlet x = \"abc\"\n\t        ^~~~~\n  hint: fix it\n")
    }

    @Test func aRangeOverSeveralLinesIsUnderlinedToTheEndOfItsFirstLine() {
        let d = Diagnostic.warning("w", at: SourceRange(start: position(1, 3), end: position(3, 2)))
        let text = DiagnosticRenderer(fileName: "x.arena", source: source).render(d)
        #expect(text == "x.arena:1:3: warning: w\nseed 1\n  ^~~~\n")
    }

    @Test func colourOnlyWhenAsked() {
        let d = Diagnostic.error("e", at: SourceRange(start: position(3, 1), end: position(3, 5)))
        let plain = DiagnosticRenderer(fileName: "f", source: source, colour: false).render(d)
        let coloured = DiagnosticRenderer(fileName: "f", source: source, colour: true).render(d)
        #expect(!plain.contains("\u{1B}["))
        #expect(coloured.contains("\u{1B}[1;31merror:\u{1B}[0m"))
        #expect(coloured.replacingEscapes() == plain)
    }
}

extension String {
    /// The text with ANSI colour sequences removed.
    func replacingEscapes() -> String {
        var out = ""
        var skipping = false
        for c in self {
            if c == "\u{1B}" { skipping = true; continue }
            if skipping { if c == "m" { skipping = false }; continue }
            out.append(c)
        }
        return out
    }
}
