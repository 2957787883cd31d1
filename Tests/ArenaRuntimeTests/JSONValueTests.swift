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
