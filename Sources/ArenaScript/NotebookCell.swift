/// A top-level statement seen as a notebook cell: where it is, its exact text, and the comment
/// lines written just above it (the cell's prose).
public struct NotebookCell: Sendable, Hashable {
    /// 0-based position among the top-level statements.
    public var index: Int
    public var range: SourceRange
    public var text: String
    /// `let`, `for`, `expect`, `seed`, `limit`, `experiment`, `call` or `expression`.
    public var kind: String
    /// The comments between the previous cell and this one, markers removed, one line each.
    public var comment: String?

    public init(index: Int, range: SourceRange, text: String, kind: String, comment: String? = nil) {
        self.index = index
        self.range = range
        self.text = text
        self.kind = kind
        self.comment = comment
    }

    public static func cells(of program: Program, source: SourceText) -> [NotebookCell] {
        var cells: [NotebookCell] = []
        var previousEnd = 0
        var comments = program.comments[...]
        for (index, statement) in program.statements.enumerated() {
            var lines: [String] = []
            while let c = comments.first, c.range.start.offset < statement.range.start.offset {
                comments = comments.dropFirst()
                if c.range.start.offset >= previousEnd { lines.append(Self.strip(c.text)) }
            }
            cells.append(NotebookCell(index: index, range: statement.range, text: source.slice(statement.range),
                                      kind: statement.label, comment: lines.isEmpty ? nil : lines.joined(separator: "\n")))
            previousEnd = statement.range.end.offset
        }
        return cells
    }

    private static func strip(_ comment: String) -> String {
        var s = Substring(comment)
        if s.hasPrefix("//") { s = s.dropFirst(2) } else if s.hasPrefix("#") { s = s.dropFirst() }
        if s.hasPrefix(" ") { s = s.dropFirst() }
        return String(s)
    }
}
