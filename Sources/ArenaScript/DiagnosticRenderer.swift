/// Prints diagnostics the way compilers do, so editors and CI logs link to them:
///
///     exp.arena:3:9: error: unterminated string literal
///     let x = "abc
///             ^~~~
///       hint: close the string with '"' on the same line
///
/// ANSI colour only when the caller says the output is a terminal.
public struct DiagnosticRenderer: Sendable {
    public var fileName: String
    public var source: SourceText
    public var colour: Bool

    public init(fileName: String, source: SourceText, colour: Bool = false) {
        self.fileName = fileName
        self.source = source
        self.colour = colour
    }

    public func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map(render).joined()
    }

    public func render(_ d: Diagnostic) -> String {
        let location = "\(fileName):\(d.range.start.line):\(d.range.start.column):"
        var out = paint(location, "1") + " " + paint(d.severity.rawValue + ":", severityCode(d.severity)) + " "
            + paint(d.message, "1") + "\n"
        if !source.scalars.isEmpty {
            let lineText = source.line(d.range.start.line)
            out += lineText + "\n"
            out += paint(caretLine(for: d.range, lineText: lineText), "32") + "\n"
        }
        if let hint = d.hint {
            out += "  " + paint("hint:", "36") + " " + hint + "\n"
        }
        return out
    }

    /// Spaces up to the start column (tabs kept so the caret lines up), `^` then `~` to the end of
    /// the range or of the line.
    private func caretLine(for range: SourceRange, lineText: String) -> String {
        let chars = Array(lineText.unicodeScalars)
        let startIndex = max(0, range.start.column - 1)
        var prefix = ""
        for i in 0..<startIndex { prefix += (i < chars.count && chars[i] == "\t") ? "\t" : " " }
        let endColumn = range.end.line == range.start.line ? range.end.column : chars.count + 1
        let width = max(1, endColumn - range.start.column)
        return prefix + "^" + String(repeating: "~", count: width - 1)
    }

    private func severityCode(_ s: Severity) -> String {
        switch s {
        case .error: "1;31"
        case .warning: "1;35"
        case .note: "1;36"
        }
    }

    private func paint(_ text: String, _ code: String) -> String {
        colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
