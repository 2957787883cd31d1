import Foundation
import Testing
@testable import ArenaRuntime

@Suite struct PairedComparisonTests {
    @Test func intervalsAndPValuesAreThePairedStatisticsOfTheSharedDocuments() throws {
        let a: [Int: Double] = [0: 1, 1: 0, 2: 1, 3: 1, 4: 0, 5: 1, 9: 1]
        let b: [Int: Double] = [0: 1, 1: 1, 2: 0, 3: 1, 4: 1, 5: 1, 7: 0]
        let r = PairedComparison(a: a, b: b, iterations: 500, seed: 7)
        let ids = [0, 1, 2, 3, 4, 5]
        let interval = try PairedStatistics.bootstrapCI(a: ids.map { b[$0]! }, b: ids.map { a[$0]! }, iterations: 500, seed: 7)
        #expect(r.ciLow == interval.lower && r.ciHigh == interval.upper)
        #expect(abs(r.difference - interval.difference) < 1e-12)
        #expect(r.onlyA == 1 && r.onlyB == 2)
        #expect(r.mcnemarP == (try PairedStatistics.mcnemarExactP(b: 1, c: 2)))
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
