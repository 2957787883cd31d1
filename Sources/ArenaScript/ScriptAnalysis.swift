/// The whole front end in one call: parse, check, and (when both are clean) interpret.
public struct ScriptAnalysis: Sendable {
    public var source: SourceText
    public var program: Program
    public var cells: [NotebookCell]
    /// Every diagnostic, in source order.
    public var diagnostics: [Diagnostic]
    /// Present when the program parsed, checked and ran without errors.
    public var interpretation: Interpretation?

    public init(source text: String, host: HostEnvironment) {
        source = SourceText(text)
        let (program, parseDiagnostics) = Parser.parse(source)
        self.program = program
        cells = NotebookCell.cells(of: program, source: source)
        diagnostics = parseDiagnostics
        interpretation = nil
        guard !diagnostics.hasErrors else { return }
        diagnostics = (diagnostics + Checker.check(program, host: host)).sortedBySource()
        guard !diagnostics.hasErrors else { return }
        do {
            interpretation = try Interpreter.run(program, host: host, source: source)
        } catch {
            diagnostics = (diagnostics + [error]).sortedBySource()
        }
    }

    public var hasErrors: Bool { diagnostics.hasErrors }

    /// The diagnostics printed as `file:line:col: error: ...` with source line and caret.
    public func rendered(fileName: String, colour: Bool = false) -> String {
        DiagnosticRenderer(fileName: fileName, source: source, colour: colour).render(diagnostics)
    }
}
