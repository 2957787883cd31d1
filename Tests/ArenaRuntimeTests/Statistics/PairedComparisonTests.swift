import Foundation
import Testing
@testable import ArenaRuntime

@Suite struct PairedComparisonTests {
    /// Deterministic 0/1 and graded score vectors of several sizes.
    static let cases: [(a: [Double], b: [Double])] = {
        var rng = SplitMix64(seed: 7)
        var out: [(a: [Double], b: [Double])] = []
        for n in [5, 40, 100, 250] {
            let a = (0..<n).map { _ in Double(rng.next() % 2) }
            let b = (0..<n).map { i in rng.next() % 4 == 0 ? 1 - a[i] : a[i] }
            out.append((a, b))
        }
        out.append(((0..<60).map { Double($0 % 7) / 6 }, (0..<60).map { Double(($0 * 3) % 7) / 6 }))
        out.append(([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]))
        return out
    }()

    @Test func matchesScipyAndTheDocumentedBootstrap() throws {
        let iterations = 2000
        let input = JSONValue.array(Self.cases.map { c in
            .object(["a": .array(c.a.map { .double($0) }), "b": .array(c.b.map { .double($0) }),
                     "iterations": .int(iterations), "seed": .int(1234)])
        })
        let output = try TestPython.run(TestPython.fixture("statistics/paired_reference.py"), input: input.serializedData(indent: nil))
        let reference = try JSONValue.parse(output).arrayValue ?? []
        #expect(reference.count == Self.cases.count)
        for (c, ref) in zip(Self.cases, reference) {
            let keyed = { (v: [Double]) in Dictionary(uniqueKeysWithValues: v.enumerated().map { ($0.offset, $0.element) }) }
            let result = PairedComparison(a: keyed(c.a), b: keyed(c.b), iterations: iterations, seed: 1234)
            #expect(abs(result.ciLow - (ref["low"]?.doubleValue ?? .nan)) < 1e-12)
            #expect(abs(result.ciHigh - (ref["high"]?.doubleValue ?? .nan)) < 1e-12)
            if let p = result.mcnemarP {
                #expect(abs(p - (ref["p"]?.doubleValue ?? .nan)) < 1e-12)
            }
        }
    }

    @Test func identicalModelsDifferByNothing() {
        let a = [0: 1.0, 1: 0.0, 2: 1.0, 3: 1.0]
        let r = PairedComparison(a: a, b: a)
        #expect(r.difference == 0 && r.ciLow == 0 && r.ciHigh == 0)
        #expect(r.agreement == 1 && r.mcnemarP == 1 && r.onlyA == 0 && r.onlyB == 0)
    }

    @Test func onlySharedDocumentsArePaired() {
        let r = PairedComparison(a: [0: 1, 1: 1, 2: 0], b: [1: 0, 2: 1, 9: 1])
        #expect(r.count == 2)
        #expect(r.meanA == 0.5 && r.meanB == 0.5)
        #expect(r.onlyA == 1 && r.onlyB == 1)
        #expect(r.agreement == 0)
    }

    @Test func graderScoresHaveNoMcNemar() {
        let r = PairedComparison(a: [0: 0.5, 1: 1], b: [0: 1, 1: 1])
        #expect(r.mcnemarP == nil && r.onlyA == nil)
        #expect(r.difference == 0.25)
    }
}
