/// The compiled form of a Python `re` pattern (the subset `PythonRegex` supports).
indirect enum RegexNode: Sendable {
    case empty
    case scalar(ScalarTest)
    case sequence([RegexNode])
    case alternation([RegexNode])
    /// A capturing group (index from 1) or, with nil, a non-capturing one.
    case group(Int?, RegexNode)
    case lookahead(RegexNode, negated: Bool)
    case repetition(RegexNode, min: Int, max: Int?, greedy: Bool)
    case assertion(RegexAssertion)
}

enum RegexAssertion: Sendable {
    case lineStart, lineEnd, textStart, textEnd, wordBoundary, notWordBoundary
}

/// A test of one code point: a literal, `.`, a class, or a class escape.
enum ScalarTest: Sendable {
    case literal(Unicode.Scalar, ignoreCase: Bool)
    case anyExceptNewline
    case any
    case set([ClassItem], negated: Bool, ignoreCase: Bool)

    func matches(_ scalar: Unicode.Scalar) -> Bool {
        switch self {
        case let .literal(expected, ignoreCase):
            if expected == scalar { return true }
            return ignoreCase && CaseFolding.equal(expected, scalar)
        case .anyExceptNewline:
            return scalar != "\n"
        case .any:
            return true
        case let .set(items, negated, ignoreCase):
            var found = items.contains { $0.matches(scalar) }
            if !found, ignoreCase {
                found = CaseFolding.variants(of: scalar).contains { variant in items.contains { $0.matches(variant) } }
            }
            return found != negated
        }
    }
}

enum ClassItem: Sendable {
    case range(UInt32, UInt32)
    case digit(negated: Bool)
    case word(negated: Bool)
    case space(negated: Bool)

    func matches(_ scalar: Unicode.Scalar) -> Bool {
        switch self {
        case let .range(low, high): return (low...high).contains(scalar.value)
        case let .digit(negated): return PythonText.isDecimal(scalar) != negated
        case let .word(negated): return RegexNode.isWord(scalar) != negated
        case let .space(negated): return PythonText.isSpace(scalar) != negated
        }
    }
}

extension RegexNode {
    /// `\w` in a `str` pattern: `str.isalnum()` or `_`.
    static func isWord(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || PythonText.isAlphanumeric(scalar)
    }
}

/// Simple case matching for IGNORECASE: code points that lower-case to the same single code point.
enum CaseFolding {
    static func simpleLower(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        let mapped = scalar.properties.lowercaseMapping.unicodeScalars
        return mapped.count == 1 ? mapped[mapped.startIndex] : scalar
    }

    static func simpleUpper(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        let mapped = scalar.properties.uppercaseMapping.unicodeScalars
        return mapped.count == 1 ? mapped[mapped.startIndex] : scalar
    }

    static func equal(_ a: Unicode.Scalar, _ b: Unicode.Scalar) -> Bool {
        simpleLower(a) == simpleLower(b)
    }

    static func variants(of scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        [simpleLower(scalar), simpleUpper(scalar)]
    }
}

/// Why a pattern was rejected, with the 0-based code-point offset in the pattern.
public struct PythonRegexError: Error, CustomStringConvertible, Equatable {
    public let pattern: String
    public let position: Int
    public let reason: String
    public var description: String { "regex \(String(reflecting: pattern)) at position \(position): \(reason)" }
}
