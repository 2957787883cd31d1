/// Python 3 `str` operations that the metrics rely on, reproduced over Unicode code points
/// (Python strings are sequences of code points; Swift `String` equality uses canonical
/// equivalence, so comparisons here go through `codePoints`).
public enum PythonText {
    /// The characters for which Python's `str.isspace()` is true (and so what `str.split()` and
    /// `str.strip()` without arguments remove): bidirectional class WS, B or S, or category Zs.
    public static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// `str.isalnum()` for one code point: a letter (Lu, Ll, Lt, Lm, Lo) or any numeric character.
    public static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return true
        default:
            return properties.numericType != nil
        }
    }

    /// `str.isdecimal()` for one code point (what `\d` matches in a `str` pattern).
    public static func isDecimal(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.numericType == .decimal
    }

    /// The code points of `text` as Python indexes them.
    public static func codePoints(_ text: String) -> [Unicode.Scalar] {
        Array(text.unicodeScalars)
    }

    public static func string<S: Sequence>(_ scalars: S) -> String where S.Element == Unicode.Scalar {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    /// `str.lower()`: full lowercase mappings, with Greek capital sigma becoming final sigma
    /// (U+03C2) when it ends a word, exactly as CPython's `handle_capital_sigma` decides.
    public static func lower(_ text: String) -> String {
        let scalars = codePoints(text)
        var out = String.UnicodeScalarView()
        for (index, scalar) in scalars.enumerated() {
            if scalar.value == 0x03A3 {
                out.append(isFinalSigma(scalars, at: index) ? "\u{03C2}" : "\u{03C3}")
            } else if scalar.isASCII {
                let value = scalar.value
                out.append((0x41...0x5A).contains(value) ? Unicode.Scalar(UInt8(value + 32)) : scalar)
            } else {
                out.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return String(out)
    }

    private static func isFinalSigma(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        var before = index - 1
        while before >= 0, scalars[before].properties.isCaseIgnorable { before -= 1 }
        guard before >= 0, scalars[before].properties.isCased else { return false }
        var after = index + 1
        while after < scalars.count, scalars[after].properties.isCaseIgnorable { after += 1 }
        return after == scalars.count || !scalars[after].properties.isCased
    }

    /// `str.split()` with no separator: runs of whitespace separate, no empty pieces.
    public static func splitOnWhitespace(_ text: String) -> [String] {
        var pieces: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isSpace(scalar) {
                if !current.isEmpty { pieces.append(String(current)); current = String.UnicodeScalarView() }
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { pieces.append(String(current)) }
        return pieces
    }

    /// `str.strip()` with no argument.
    public static func strip(_ text: String) -> String {
        let scalars = codePoints(text)
        var start = 0
        var end = scalars.count
        while start < end, isSpace(scalars[start]) { start += 1 }
        while end > start, isSpace(scalars[end - 1]) { end -= 1 }
        return string(scalars[start..<end])
    }

    /// `str.rstrip()` with no argument.
    public static func rstrip(_ text: String) -> String {
        let scalars = codePoints(text)
        var end = scalars.count
        while end > 0, isSpace(scalars[end - 1]) { end -= 1 }
        return string(scalars[0..<end])
    }

    /// `str.replace(old, new)` by code points (Swift's own replacement would match canonically
    /// equivalent text too).
    public static func replace(_ text: String, _ old: String, with new: String) -> String {
        let scalars = codePoints(text)
        let pattern = codePoints(old)
        guard !pattern.isEmpty, scalars.count >= pattern.count else { return text }
        var out = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if index + pattern.count <= scalars.count, scalars[index..<(index + pattern.count)].elementsEqual(pattern) {
                out.append(contentsOf: new.unicodeScalars)
                index += pattern.count
            } else {
                out.append(scalars[index])
                index += 1
            }
        }
        return String(out)
    }

    /// Equality as Python's `==` on `str`: the same code points.
    public static func equal(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.elementsEqual(b.unicodeScalars)
    }
}

/// A string keyed by its exact code points (UTF-8 bytes), for Python-like sets and counters.
public struct CodePointKey: Hashable, Sendable {
    public let bytes: [UInt8]
    public init(_ text: String) { bytes = Array(text.utf8) }
}
