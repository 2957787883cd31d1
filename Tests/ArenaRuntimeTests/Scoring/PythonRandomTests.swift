import Foundation
import Testing
@testable import ArenaRuntime

/// MT19937 seeding, getrandbits, _randbelow and random.sample against CPython's own output.
@Suite struct PythonRandomTests {
    static let seeds = [0, 1, 42, 1234, -5, 1 << 40 + 3, Int.max, Int.min + 1]
    static let bits = [1, 5, 31, 32, 33, 47, 64]
    static let bounds = [1, 2, 3, 10, 21, 1000, 7473, 1 << 40]
    /// (population, k): both branches of random.sample and its boundary (n <= setsize).
    static let samples: [(Int, Int)] = [(10, 3), (21, 5), (22, 5), (6, 6), (85, 6), (86, 6), (80, 10), (500, 6), (1000, 50), (7473, 5), (7473, 6), (25, 0)]

    static let script = """
    import json, random, sys
    seeds, bits, bounds, samples = json.loads(sys.argv[1])
    out = []
    for seed in seeds:
        r = random.Random(seed)
        row = {"u32": [r.getrandbits(32) for _ in range(700)]}
        row["bits"] = [r.getrandbits(k) for k in bits]
        row["below"] = [r._randbelow(n) for n in bounds]
        row["random"] = [r.random() for _ in range(3)]
        row["sample"] = [r.sample(range(n), k) for n, k in samples]
        out.append(row)
    print(json.dumps(out))
    """

    @Test func matchesCPython() throws {
        let input = JSONValue.array([
            .array(Self.seeds.map { .int($0) }), .array(Self.bits.map { .int($0) }),
            .array(Self.bounds.map { .int($0) }), .array(Self.samples.map { .array([.int($0.0), .int($0.1)]) }),
        ]).serialized(indent: nil)
        let expected = try JSONValue.parse(try PythonPeer.run(Self.script, arguments: [input]))
        let rows = try #require(expected.arrayValue)
        #expect(rows.count == Self.seeds.count)
        for (seed, row) in zip(Self.seeds, rows) {
            var r = PythonRandom(seed: seed)
            let u32 = (0..<700).map { _ in JSONValue.int(Int(r.nextUInt32())) }
            #expect(.array(u32) == row["u32"], "getrandbits(32) for seed \(seed)")
            let bits = try Self.bits.map { JSONValue.int(Int(bitPattern: UInt(try r.getrandbits($0)))) }
            // The last width, 64, can exceed Int in JSON; largestBitCountMatchesCPythonText compares it as text.
            let expectedBits = try #require(row["bits"]?.arrayValue)
            #expect(bits.dropLast() == expectedBits.dropLast(), "getrandbits(k) for seed \(seed)")
            let below = try Self.bounds.map { JSONValue.int(try r.randbelow($0)) }
            #expect(.array(below) == row["below"], "_randbelow for seed \(seed)")
            let floats = (0..<3).map { _ in JSONValue.double(r.random()) }
            #expect(.array(floats) == row["random"], "random() for seed \(seed)")
            let picks = try Self.samples.map { n, k in JSONValue.array(try r.sampleIndices(populationCount: n, count: k).map { .int($0) }) }
            #expect(.array(picks) == row["sample"], "sample for seed \(seed)")
        }
    }

    @Test func largestBitCountMatchesCPythonText() throws {
        let text = try PythonPeer.run("import random; r = random.Random(1234); [r.getrandbits(32) for _ in range(3)]; print(r.getrandbits(64), r.getrandbits(63))")
        var r = PythonRandom(seed: 1234)
        for _ in 0..<3 { _ = r.nextUInt32() }
        let ours = "\(try r.getrandbits(64)) \(try r.getrandbits(63))"
        #expect(ours == text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func setSizeThresholdMatchesCPython() throws {
        let ks = Array(0...300) + [1000, 5461, 5462, 21845, 21846, 100_000]
        let script = "import math, sys, json\nks = json.loads(sys.argv[1])\nprint(json.dumps([21 + (4 ** math.ceil(math.log(k * 3, 4)) if k > 5 else 0) for k in ks]))"
        let expected = try JSONValue.parse(try PythonPeer.run(script, arguments: [JSONValue.array(ks.map { .int($0) }).serialized(indent: nil)]))
        #expect(JSONValue.array(ks.map { .int(PythonRandom.sampleSetSize($0)) }) == expected)
    }

    @Test func outOfRangeRequestsFail() {
        var r = PythonRandom(seed: 1)
        #expect(throws: SampleSizeError(requested: 4, population: 3)) { try r.sampleIndices(populationCount: 3, count: 4) }
        #expect(throws: PythonRandomError.self) { try r.randbelow(0) }
        #expect(throws: PythonRandomError.self) { try r.getrandbits(65) }
    }
}
