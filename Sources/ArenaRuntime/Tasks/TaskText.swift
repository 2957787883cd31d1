/// Python `str` operations on code points, as lm-eval's task templates and utils.py apply them;
/// the general ones are `PythonText`'s.
enum TaskText {
    /// `str.isspace()` for one code point: bidirectional class WS, B or S, or category Zs.
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool { PythonText.isSpace(scalar) }

    /// `str.strip()`.
    static func strip(_ text: String) -> String { PythonText.strip(text) }

    /// `str.rstrip(chars)`.
    static func rstrip(_ text: String, characters: Set<Unicode.Scalar>) -> String {
        var scalars = Array(text.unicodeScalars)
        while let last = scalars.last, characters.contains(last) { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }

    /// `str.capitalize()`: the first code point in title case, the rest lower-cased.
    static func capitalize(_ text: String) -> String {
        var out = ""
        let scalars = Array(text.unicodeScalars)
        for (i, scalar) in scalars.enumerated() {
            if i == 0 {
                out += scalar.properties.titlecaseMapping
            } else if scalar == "\u{03A3}" {
                out += finalSigma(at: i, in: scalars) ? "\u{03C2}" : "\u{03C3}"
            } else {
                out += scalar.properties.lowercaseMapping
            }
        }
        return out
    }

    /// CPython's Final_Sigma rule: a cased letter before (skipping case-ignorables), none after.
    private static func finalSigma(at index: Int, in scalars: [Unicode.Scalar]) -> Bool {
        var j = index - 1
        while j >= 0, scalars[j].properties.isCaseIgnorable { j -= 1 }
        guard j >= 0, scalars[j].properties.isCased else { return false }
        var k = index + 1
        while k < scalars.count, scalars[k].properties.isCaseIgnorable { k += 1 }
        return !(k < scalars.count && scalars[k].properties.isCased)
    }

    /// `str.isdigit()`: non-empty and every code point a digit.
    static func isDigit(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy { $0.properties.numericType == .digit || $0.properties.numericType == .decimal }
    }

    /// `str.replace(old, new)`: non-overlapping, left to right, on code points.
    static func replace(_ text: String, _ old: String, with new: String) -> String { PythonText.replace(text, old, with: new) }
}
