/// The two answer-extraction filters of lm-eval's gsm8k task (`regex` then `take_first`).
public enum GSM8KFilter {
    /// What both filters return when nothing matches (`RegexFilter.fallback`).
    public static let fallback = "[invalid]"

    static let strictPattern = compiled(#"#### (\-?[0-9\.\,]+)"#)
    static let flexiblePattern = compiled(#"(-?[$0-9.,]{2,})|(-?[0-9]+)"#)

    /// strict-match: the number after the first `#### `, stripped, or "[invalid]".
    public static func strictMatch(_ response: String) -> String {
        select(strictPattern.findAll(in: response).first)
    }

    /// flexible-extract: the last number-like run in the response (group_select -1): the first
    /// non-empty group of that match, stripped, or "[invalid]".
    public static func flexibleExtract(_ response: String) -> String {
        select(flexiblePattern.findAll(in: response).last)
    }

    /// `RegexFilter.apply` on one findall element: a tuple gives its first non-empty group.
    private static func select(_ groups: [String]?) -> String {
        guard let groups else { return fallback }
        guard let first = groups.first(where: { !$0.isEmpty }) else { return fallback }
        return PythonText.strip(first)
    }

    private static func compiled(_ pattern: String) -> PythonRegex {
        do { return try PythonRegex(pattern) } catch {
            preconditionFailure("built-in pattern \(pattern) does not compile: \(error)")
        }
    }
}
