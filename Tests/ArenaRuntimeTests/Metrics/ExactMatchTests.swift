import Testing
@testable import ArenaRuntime

@Suite struct ExactMatchTests {
    @Test func agreesWithLmEvalExactMatchOnTheCorpus() throws {
        let cases = try MetricsReference.section("exact_match")
        #expect(cases.count > 100)
        for c in cases {
            let prediction = try #require(c.string("prediction"))
            let reference = try #require(c.string("reference"))
            let score = try ExactMatch.score(prediction: prediction, reference: reference,
                                             ignoreCase: c["ignore_case"]?.boolValue ?? false,
                                             ignorePunctuation: c["ignore_punctuation"]?.boolValue ?? false,
                                             regexesToIgnore: c.strings("regexes") ?? [])
            #expect(score == c.double("result"), "\(String(reflecting: prediction)) vs \(String(reflecting: reference)) with \(c["regexes"].map { $0.serialized(indent: nil) } ?? "none")")
        }
    }

    @Test func comparesCodePointsNotCanonicalEquivalents() throws {
        // Python's == sees "café" (precomposed) and "cafe\u{301}" as different strings.
        #expect(try ExactMatch.score(prediction: "caf\u{E9}", reference: "cafe\u{301}") == 0)
        #expect(try ExactMatch.score(prediction: "caf\u{E9}", reference: "caf\u{E9}") == 1)
    }

    @Test func lowerCasingKeepsNumpysFixedWidth() throws {
        // np.char.lower keeps as many code points as the input had: "İ" lowers to two, so the
        // lowered "İSTANBUL" loses its last letter and equals "i̇stanbu".
        #expect(try ExactMatch.score(prediction: "\u{130}STANBUL", reference: "i\u{307}stanbu", ignoreCase: true) == 1)
    }
}
