import Foundation
import Testing
@testable import ArenaRuntime

/// The Python string operations the task templates rely on, checked against CPython on awkward
/// inputs (Unicode whitespace, title-case digraphs, final sigma, brackets, newlines).
@Suite struct TaskTextTests {
    static let samples = [
        "  hello world \n", "\u{2003}\u{3000}wide spaces\u{85}", "\u{1C}\u{1F}control seps\u{200B}", "",
        "ǆungla ÉCOLE", "ΟΔΟΣ ΣΑΣ", "ßtraße", "İstanbul", "123", "١٢٣", "²", "12a", "mIxEd CaSe. AND MORE",
        "[header] How to x [title] Do y [step] z  w", "a [b\nc] d", "[unclosed text", "x]y[z]",
    ]

    static let script = """
    import json, re, sys
    out = []
    for s in json.loads(sys.argv[1]):
        t = s.strip()
        t2 = t.replace(" [title]", ". ")
        t2 = re.sub("\\\\[.*?\\\\]", "", t2)
        t2 = t2.replace("  ", " ")
        out.append({"strip": s.strip(), "capitalize": s.capitalize(), "isdigit": s.isdigit(), "hellaswag": t2,
                    "rstrip": s.rstrip(" ,")})
    print(json.dumps(out))
    """

    @Test func matchesCPythonStringMethods() throws {
        let input = JSONValue.array(Self.samples.map { .string($0) }).serialized(indent: nil)
        let expected = try #require(try JSONValue.parse(try PythonPeer.run(Self.script, arguments: [input])).arrayValue)
        for (text, row) in zip(Self.samples, expected) {
            #expect(.string(TaskText.strip(text)) == row["strip"], "strip \(text.debugDescription)")
            #expect(.string(TaskText.capitalize(text)) == row["capitalize"], "capitalize \(text.debugDescription)")
            #expect(.bool(TaskText.isDigit(text)) == row["isdigit"], "isdigit \(text.debugDescription)")
            #expect(.string(try MultipleChoiceTasks.hellaswagPreprocess(text)) == row["hellaswag"], "preprocess \(text.debugDescription)")
            #expect(.string(TaskText.rstrip(text, characters: [" ", ","])) == row["rstrip"], "rstrip \(text.debugDescription)")
        }
    }

    static let options = [
        "a ) 120 km , b ) 180 km , c ) 200 km , d ) 240 km , e ) none of these",
        "['a ) 5', 'b ) 6', 'c ) 7', 'd ) 8', 'e ) 9']",
        "a ) 1 , b ) 2 , c ) 3 , d ) 4 , e ) 5\n",
        "a ) x\n , b ) y , c ) z , d ) w , e ) v\nmore",
        "a ) rs . 1 , 200 , b ) rs . 1 , 500 , c ) 2 , d ) 3 , e ) 4 , ",
        "e ) only e",
        "a ) no comma at all",
    ]

    @Test func mathqaChoicesMatchPythonRegex() throws {
        let script = """
        import json, re, sys
        print(json.dumps([[c[4:].rstrip(" ,") for c in re.findall(r"[abcd] \\) .*?, |e \\) .*?$", o)] for o in json.loads(sys.argv[1])]))
        """
        let input = JSONValue.array(Self.options.map { .string($0) }).serialized(indent: nil)
        let expected = try JSONValue.parse(try PythonPeer.run(script, arguments: [input]))
        let ours = JSONValue.array(Self.options.map { .array(MultipleChoiceTasks.mathqaChoices($0).map { .string($0) }) })
        #expect(ours == expected)
    }

    @Test func numpySumMatchesNumpy() throws {
        var generator = PythonRandom(seed: 99)
        let arrays: [[Double]] = [1, 2, 7, 8, 9, 15, 16, 17, 127, 128, 129, 255, 256, 300, 1000].map { n in
            (0..<n).map { i in (generator.random() - 0.3) * pow(10, Double(i % 12) - 6) }
        }
        let script = """
        import json, sys, numpy as np
        print(json.dumps([float(np.sum(np.array(a, dtype=np.float64))) for a in json.loads(sys.argv[1])]))
        """
        let input = JSONValue.array(arrays.map { .array($0.map { .double($0) }) }).serialized(indent: nil)
        let expected = try #require(try JSONValue.parse(try PythonPeer.run(script, arguments: [input])).arrayValue)
        for (array, value) in zip(arrays, expected) {
            #expect(MultipleChoiceScoring.numpySum(array) == value.doubleValue, "np.sum of \(array.count) values")
        }
    }

    @Test func argmaxFollowsNumpyTiesAndNaN() {
        #expect(MultipleChoiceScoring.argmax([1, 3, 3, 2]) == 1)
        #expect(MultipleChoiceScoring.argmax([1, .nan, 5, .nan]) == 1)
        #expect(MultipleChoiceScoring.argmax([-.infinity, -.infinity]) == 0)
    }
}
