/// A rendered-notebook view of one run: each top-level statement of the experiment, in order, with
/// what it produced. Markdown and HTML writers render the same document.
public struct ReportDocument: Sendable, Equatable {
    public var title: String
    /// Key facts shown under the title (experiment file hash, git commit, lockfile hash, tool version).
    public var facts: [(String, String)]
    public var cells: [ReportCell]

    public init(title: String, facts: [(String, String)], cells: [ReportCell]) {
        self.title = title
        self.facts = facts
        self.cells = cells
    }

    public static func == (a: ReportDocument, b: ReportDocument) -> Bool {
        a.title == b.title && a.facts.map { [$0.0, $0.1] } == b.facts.map { [$0.0, $0.1] } && a.cells == b.cells
    }
}

public struct ReportCell: Sendable, Equatable {
    /// 1-based line of the statement in the experiment file.
    public var line: Int
    /// The statement's source text.
    public var source: String
    public var outputs: [CellOutput]

    public init(line: Int, source: String, outputs: [CellOutput]) {
        self.line = line
        self.source = source
        self.outputs = outputs
    }
}

public enum CellOutput: Sendable, Equatable {
    case table(ReportTable)
    /// A chart: caption and the PNG's path relative to the bundle root.
    case chart(caption: String, path: String)
    case expectation(text: String, verdict: ExpectationVerdict, detail: String)
    case warning(String)
    case note(String)
}

public struct ReportTable: Sendable, Equatable {
    public var caption: String?
    public var header: [String]
    public var rows: [[String]]
    /// Columns to right-align (numbers).
    public var numericColumns: Set<Int>

    public init(caption: String? = nil, header: [String], rows: [[String]], numericColumns: Set<Int> = []) {
        self.caption = caption
        self.header = header
        self.rows = rows
        self.numericColumns = numericColumns
    }
}
