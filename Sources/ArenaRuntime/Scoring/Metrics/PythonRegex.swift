/// A regular expression with Python `re` semantics (for `str` patterns), for metrics whose
/// definition is a Python regex: `$` also matches before a final newline, `.` excludes only
/// `\n`, `\w`/`\d`/`\s`/`\b` follow Python's Unicode rules, and `sub`/`findall` treat empty
/// matches as Python 3.7+ does. Matching works on code points, as Python's does.
public struct PythonRegex: Sendable {
    public let pattern: String
    let root: RegexNode
    let groupCount: Int
    let multiline: Bool
    /// The pattern starts with `.*` matching anything (DOTALL): if no match starts at the first
    /// position tried, none starts later either (`.*` could have consumed up to there).
    let startsWithUnboundedAny: Bool
    /// What the first code point of any match must satisfy, where the pattern begins by
    /// consuming one; lets the search skip start positions without running the matcher.
    let leadingTests: [ScalarTest]?

    public init(_ pattern: String) throws {
        var parser = PythonRegexParser(pattern)
        root = try parser.parse()
        groupCount = parser.groupCount
        multiline = parser.multiline
        self.pattern = pattern
        var first = root
        while case let .sequence(items) = first, let head = items.first { first = head }
        if let first = PythonRegex.firstScalars(of: root), !first.nullable {
            leadingTests = first.tests
        } else {
            leadingTests = nil
        }
        if case .repetition(.scalar(.any), 0, nil, _) = first {
            startsWithUnboundedAny = true
        } else {
            startsWithUnboundedAny = false
        }
    }

    /// The tests one of which the first consumed code point must pass, and whether the node can
    /// match without consuming any; nil where that is not known.
    private static func firstScalars(of node: RegexNode) -> (tests: [ScalarTest], nullable: Bool)? {
        switch node {
        case .empty, .assertion, .lookahead: return ([], true)
        case let .scalar(test): return ([test], false)
        case let .group(_, inner): return firstScalars(of: inner)
        case let .repetition(inner, minimum, _, _):
            guard let first = firstScalars(of: inner) else { return nil }
            return (first.tests, first.nullable || minimum == 0)
        case let .alternation(branches):
            var tests: [ScalarTest] = []
            var nullable = false
            for branch in branches {
                guard let first = firstScalars(of: branch) else { return nil }
                tests += first.tests
                nullable = nullable || first.nullable
            }
            return (tests, nullable)
        case let .sequence(items):
            var tests: [ScalarTest] = []
            for item in items {
                guard let first = firstScalars(of: item) else { return nil }
                tests += first.tests
                if !first.nullable { return (tests, false) }
            }
            return (tests, true)
        }
    }

    /// One match: the whole span and each group's span (nil where the group did not take part),
    /// as code-point offsets.
    public struct Match: Sendable, Equatable {
        public let range: Range<Int>
        public let groups: [Range<Int>?]
    }

    /// All non-overlapping matches from left to right, as `re.finditer` yields them.
    public func matches(in text: String) -> [Match] {
        matches(in: PythonText.codePoints(text))
    }

    func matches(in scalars: [Unicode.Scalar]) -> [Match] {
        var found: [Match] = []
        var position = 0
        var mustAdvance = false
        while position <= scalars.count, let match = search(scalars, from: position, mustAdvance: mustAdvance) {
            found.append(match)
            mustAdvance = match.range.isEmpty
            position = match.range.upperBound
        }
        return found
    }

    /// `re.findall`: the whole match when the pattern has no groups, group 1 with one group,
    /// else every group (a group that did not take part gives "").
    public func findAll(in text: String) -> [[String]] {
        let scalars = PythonText.codePoints(text)
        return matches(in: scalars).map { match in
            if groupCount == 0 { return [PythonText.string(scalars[match.range])] }
            return match.groups.map { range in range.map { PythonText.string(scalars[$0]) } ?? "" }
        }
    }

    /// `re.sub(pattern, replacement, text)` with a replacement taken literally.
    public func replacingMatches(in text: String, with replacement: String) -> String {
        let scalars = PythonText.codePoints(text)
        var out = String.UnicodeScalarView()
        var copied = 0
        for match in matches(in: scalars) {
            out.append(contentsOf: scalars[copied..<match.range.lowerBound])
            out.append(contentsOf: replacement.unicodeScalars)
            copied = match.range.upperBound
        }
        out.append(contentsOf: scalars[copied...])
        return String(out)
    }

    /// `re.split(pattern, text)` for a pattern without groups.
    public func split(_ text: String) -> [String] {
        let scalars = PythonText.codePoints(text)
        var pieces: [String] = []
        var copied = 0
        for match in matches(in: scalars) {
            pieces.append(PythonText.string(scalars[copied..<match.range.lowerBound]))
            copied = match.range.upperBound
        }
        pieces.append(PythonText.string(scalars[copied...]))
        return pieces
    }

    /// The first match starting at or after `from`; with `mustAdvance`, an empty match at `from`
    /// does not count (CPython's `must_advance` after an empty match).
    func search(_ scalars: [Unicode.Scalar], from: Int, mustAdvance: Bool) -> Match? {
        let matcher = RegexMatcher(text: scalars, groupCount: groupCount, multiline: multiline)
        var start = from
        while start <= scalars.count {
            if let leadingTests {
                while start < scalars.count, !leadingTests.contains(where: { $0.matches(scalars[start]) }) { start += 1 }
                if start == scalars.count { return nil }
            }
            var end = -1
            let found = matcher.match(root, at: start) { position in
                if mustAdvance && start == from && position == start { return false }
                end = position
                return true
            }
            if found {
                return Match(range: start..<end, groups: matcher.groupRanges())
            }
            if startsWithUnboundedAny { return nil }
            matcher.resetGroups()
            start += 1
        }
        return nil
    }
}

/// Backtracking matcher over code points; captures are restored when a branch fails.
final class RegexMatcher {
    let text: [Unicode.Scalar]
    let multiline: Bool
    private var groupStarts: [Int]
    private var groupEnds: [Int]

    init(text: [Unicode.Scalar], groupCount: Int, multiline: Bool) {
        self.text = text
        self.multiline = multiline
        groupStarts = Array(repeating: -1, count: groupCount + 1)
        groupEnds = Array(repeating: -1, count: groupCount + 1)
    }

    func resetGroups() {
        for i in groupStarts.indices { groupStarts[i] = -1; groupEnds[i] = -1 }
    }

    func groupRanges() -> [Range<Int>?] {
        (1..<groupStarts.count).map { i in groupStarts[i] >= 0 ? groupStarts[i]..<groupEnds[i] : nil }
    }

    /// Matches `node` at `position`, then calls `next` with the end position; true when `next`
    /// accepted some way of matching.
    func match(_ node: RegexNode, at position: Int, then next: (Int) -> Bool) -> Bool {
        switch node {
        case .empty:
            return next(position)
        case let .scalar(test):
            guard position < text.count, test.matches(text[position]) else { return false }
            return next(position + 1)
        case let .sequence(items):
            return matchSequence(items[...], at: position, then: next)
        case let .alternation(branches):
            for branch in branches where match(branch, at: position, then: next) { return true }
            return false
        case let .group(index, inner):
            guard let index else { return match(inner, at: position, then: next) }
            return match(inner, at: position) { end in
                let saved = (groupStarts[index], groupEnds[index])
                groupStarts[index] = position
                groupEnds[index] = end
                if next(end) { return true }
                (groupStarts[index], groupEnds[index]) = saved
                return false
            }
        case let .lookahead(inner, negated):
            let matched = match(inner, at: position) { _ in true }
            return matched != negated && next(position)
        case let .repetition(inner, minimum, maximum, greedy):
            if case let .scalar(test) = inner {
                return repeatScalar(test, at: position, min: minimum, max: maximum, greedy: greedy, then: next)
            }
            let loop = RepeatLoop(inner: inner, min: minimum, max: maximum, greedy: greedy)
            return repeatNode(loop, count: 0, at: position, lastStart: -1, then: next)
        case let .assertion(kind):
            return holds(kind, at: position) && next(position)
        }
    }

    private func matchSequence(_ items: ArraySlice<RegexNode>, at position: Int, then next: (Int) -> Bool) -> Bool {
        guard let first = items.first else { return next(position) }
        return match(first, at: position) { end in matchSequence(items.dropFirst(), at: end, then: next) }
    }

    /// A repeated single-code-point test, without recursion per iteration.
    private func repeatScalar(_ test: ScalarTest, at position: Int, min: Int, max: Int?, greedy: Bool,
                              then next: (Int) -> Bool) -> Bool {
        let limit = max.map { Swift.min($0, text.count - position) } ?? (text.count - position)
        var available = 0
        while available < limit, test.matches(text[position + available]) { available += 1 }
        guard available >= min else { return false }
        if greedy {
            var count = available
            while count >= min {
                if next(position + count) { return true }
                count -= 1
            }
        } else {
            for count in min...available where next(position + count) { return true }
        }
        return false
    }

    private struct RepeatLoop {
        let inner: RegexNode
        let min: Int
        let max: Int?
        let greedy: Bool
    }

    /// CPython's MAX_UNTIL / MIN_UNTIL: after `count` iterations at `position`, another
    /// iteration is tried (first or last, by greediness) unless the maximum is reached or the
    /// previous iteration, which started at `lastStart`, matched empty (zero-width protection:
    /// the empty iteration itself counts, with its captures).
    private func repeatNode(_ loop: RepeatLoop, count: Int, at position: Int, lastStart: Int,
                            then next: (Int) -> Bool) -> Bool {
        if count < loop.min {
            return match(loop.inner, at: position) { end in
                repeatNode(loop, count: count + 1, at: end, lastStart: lastStart, then: next)
            }
        }
        let mayRepeat = (loop.max.map { count < $0 } ?? true) && position != lastStart
        if loop.greedy {
            if mayRepeat, match(loop.inner, at: position, then: { end in
                repeatNode(loop, count: count + 1, at: end, lastStart: position, then: next)
            }) { return true }
            return next(position)
        }
        if next(position) { return true }
        return mayRepeat && match(loop.inner, at: position) { end in
            repeatNode(loop, count: count + 1, at: end, lastStart: position, then: next)
        }
    }

    private func isWord(at index: Int) -> Bool {
        index >= 0 && index < text.count && RegexNode.isWord(text[index])
    }

    private func holds(_ assertion: RegexAssertion, at position: Int) -> Bool {
        let n = text.count
        switch assertion {
        case .textStart: return position == 0
        case .textEnd: return position == n
        case .lineStart: return position == 0 || (multiline && text[position - 1] == "\n")
        case .lineEnd:
            if multiline { return position == n || text[position] == "\n" }
            return position == n || (position == n - 1 && text[position] == "\n")
        case .wordBoundary:
            return n > 0 && isWord(at: position - 1) != isWord(at: position)
        case .notWordBoundary:
            return n > 0 && isWord(at: position - 1) == isWord(at: position)
        }
    }
}
