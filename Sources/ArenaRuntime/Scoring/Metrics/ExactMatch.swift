/// lm-eval's `exact_match` metric (`exact_match_hf_evaluate`, vendored from HF evaluate) for one
/// prediction and one reference.
public enum ExactMatch {
    /// The `regexes_to_ignore` of lm-eval's gsm8k task.
    public static let gsm8kRegexesToIgnore = [",", "\\$", "(?s).*#### ", "\\.$"]

    /// 1.0 when prediction and reference are equal after: each regex removed in order with
    /// `re.sub(regex, "", x)` from both; lower-casing (`ignoreCase`); removal of ASCII
    /// punctuation (`ignorePunctuation`). Equality is by code points. As numpy's fixed-width
    /// string arrays do, trailing NUL characters are dropped and `np.char.lower` keeps no more
    /// code points than the string had.
    public static func score(prediction: String, reference: String, ignoreCase: Bool = false,
                             ignorePunctuation: Bool = false, regexesToIgnore: [String] = []) throws -> Double {
        let regexes = try regexesToIgnore.map { try PythonRegex($0) }
        return score(prediction: prediction, reference: reference, ignoreCase: ignoreCase,
                     ignorePunctuation: ignorePunctuation, compiledRegexes: regexes)
    }

    public static func score(prediction: String, reference: String, ignoreCase: Bool,
                             ignorePunctuation: Bool, compiledRegexes: [PythonRegex]) -> Double {
        let normalize = { (text: String) -> String in
            // Without regexes numpy stores the input at once; with them, after each `re.sub`.
            var value = compiledRegexes.isEmpty ? NumpyString.stored(text) : text
            for regex in compiledRegexes {
                value = NumpyString.stored(regex.replacingMatches(in: value, with: ""))
            }
            if ignoreCase { value = NumpyString.lower(value) }
            if ignorePunctuation {
                value = PythonText.string(value.unicodeScalars.filter { !isASCIIPunctuation($0) })
            }
            return value
        }
        return PythonText.equal(normalize(prediction), normalize(reference)) ? 1.0 : 0.0
    }

    /// `string.punctuation`.
    static func isASCIIPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: return true
        default: return false
        }
    }
}

/// What happens to a string in a one-element numpy unicode array.
enum NumpyString {
    /// `np.array([s])[0]`: trailing NUL code points are not kept.
    static func stored(_ text: String) -> String {
        var scalars = PythonText.codePoints(text)
        while scalars.last == "\0" { scalars.removeLast() }
        return PythonText.string(scalars)
    }

    /// `np.char.lower` on a one-element array: `str.lower()` cut to the array's width, which is
    /// the original length in code points (at least 1).
    static func lower(_ text: String) -> String {
        let width = max(1, text.unicodeScalars.count)
        let lowered = PythonText.codePoints(PythonText.lower(text))
        return stored(PythonText.string(lowered.prefix(width)))
    }
}
