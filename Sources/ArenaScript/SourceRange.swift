/// A place in the source text: 1-based line and column (columns count Unicode scalars), and the
/// scalar offset from the start of the file.
public struct SourcePosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var offset: Int
    public var line: Int
    public var column: Int

    public init(offset: Int, line: Int, column: Int) {
        self.offset = offset
        self.line = line
        self.column = column
    }

    public static func < (a: SourcePosition, b: SourcePosition) -> Bool { a.offset < b.offset }
    public var description: String { "\(line):\(column)" }
}

/// A half-open span of source text, `start` inclusive and `end` exclusive.
public struct SourceRange: Sendable, Hashable, CustomStringConvertible {
    public var start: SourcePosition
    public var end: SourcePosition

    public init(start: SourcePosition, end: SourcePosition) {
        self.start = start
        self.end = end
    }

    /// The span from the start of `a` to the end of `b`.
    public init(from a: SourceRange, to b: SourceRange) {
        self.start = a.start
        self.end = b.end
    }

    public static let zero = SourceRange(start: SourcePosition(offset: 0, line: 1, column: 1),
                                         end: SourcePosition(offset: 0, line: 1, column: 1))

    public var description: String { "\(start)-\(end)" }
}

/// The source text split once into scalars and lines, for slicing by range and printing lines.
public struct SourceText: Sendable {
    public let text: String
    public let scalars: [Unicode.Scalar]
    /// Scalar offset at which each line starts (index 0 is line 1).
    public let lineStarts: [Int]

    public init(_ text: String) {
        self.text = text
        self.scalars = Array(text.unicodeScalars)
        var starts = [0]
        for (i, s) in scalars.enumerated() where s == "\n" { starts.append(i + 1) }
        self.lineStarts = starts
    }

    /// The text of a 1-based line without its line terminator; empty past the end.
    public func line(_ number: Int) -> String {
        guard number >= 1, number <= lineStarts.count else { return "" }
        let start = lineStarts[number - 1]
        var end = number < lineStarts.count ? lineStarts[number] - 1 : scalars.count
        if end > start, scalars[end - 1] == "\r" { end -= 1 }
        return String(String.UnicodeScalarView(scalars[start..<max(start, end)]))
    }

    /// The exact source text a range covers.
    public func slice(_ range: SourceRange) -> String {
        let lo = min(max(0, range.start.offset), scalars.count)
        let hi = min(max(lo, range.end.offset), scalars.count)
        return String(String.UnicodeScalarView(scalars[lo..<hi]))
    }
}
