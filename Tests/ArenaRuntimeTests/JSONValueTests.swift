import Testing
@testable import ArenaRuntime

@Suite struct JSONValueTests {
    @Test(arguments: [
        (0.1, "0.1"), (1.0, "1.0"), (1e-05, "1e-05"), (0.0001, "0.0001"), (1e16, "1e+16"),
        (1e15, "1000000000000000.0"), (123456.789, "123456.789"), (-2.5, "-2.5"),
        (0.30000000000000004, "0.30000000000000004"), (Double.leastNonzeroMagnitude, "5e-324"), (1.5e300, "1.5e+300"),
    ])
    func floatsUsePythonRepr(value: Double, expected: String) {
        #expect(PythonFloat.repr(value) == expected)
    }

    @Test func objectKeysAreSortedAndOutputIsStable() throws {
        let value = JSONValue.object(["b": .int(1), "a": .array([.double(0.5), .string("x\n\"y\"")]), "B": .null])
        #expect(value.serialized(indent: nil) == #"{"B":null,"a":[0.5,"x\n\"y\""],"b":1}"#)
        let reparsed = try JSONValue.parse(value.serialized())
        #expect(reparsed == value)
    }
}

@Suite struct JSONParserTests {
    @Test(arguments: [
        ("-12", JSONValue.int(-12)), ("0", .int(0)), ("123456789012345678", .int(123456789012345678)),
        ("9223372036854775807", .int(Int.max)), ("92233720368547758070", .double(92233720368547758080)),
        ("1.5e3", .double(1500)), ("-0.1", .double(-0.1)), ("2.5E-7", .double(2.5e-7)),
        (#""plain é""#, .string("plain é")), (#""a\nb\"c\u00e9\ud83d\ude00""#, .string("a\nb\"c\u{e9}\u{1F600}")),
    ])
    func parsesNumbersAndStrings(text: String, expected: JSONValue) throws {
        #expect(try JSONValue.parse(text) == expected)
    }

    @Test(arguments: ["01x", "1.", "-", "\"unterminated", "\"tab\there\"", "[1,]", "{\"a\" 1}", "1 2"])
    func rejectsMalformedInput(text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
    }
}
