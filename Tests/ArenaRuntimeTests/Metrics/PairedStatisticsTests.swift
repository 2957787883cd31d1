import Testing
@testable import ArenaRuntime

@Suite struct PairedStatisticsTests {
    @Test func randomDrawsEqualNumpyLegacyRandomState() throws {
        for c in try MetricsReference.section("randint") {
            let seed = try #require(c["seed"]?.intValue)
            let bounds = try #require(c["bounds"]?.arrayValue).compactMap(\.intValue)
            let expected = try #require(c["values"]?.arrayValue).compactMap(\.intValue)
            var random = LegacyNumpyRandom(seed: UInt32(seed))
            #expect(bounds.map { random.randint($0) } == expected)
        }
    }

    /// numpy documents `RandomState(1234).randint(0, 10, size=5)` as [3, 6, 5, 4, 8] on every platform.
    @Test func knownNumpySequence() {
        var random = LegacyNumpyRandom(seed: 1234)
        #expect((0..<5).map { _ in random.randint(10) } == [3, 6, 5, 4, 8])
    }

    @Test func bootstrapIntervalEqualsTheNumpyPlan() throws {
        for c in try MetricsReference.section("paired") {
            let a = try #require(c["a"]?.arrayValue).compactMap(\.doubleValue)
            let b = try #require(c["b"]?.arrayValue).compactMap(\.doubleValue)
            let interval = try PairedStatistics.bootstrapCI(
                a: a, b: b, iterations: try #require(c["iterations"]?.intValue),
                seed: UInt32(try #require(c["seed"]?.intValue)), confidence: try #require(c.double("confidence")))
            #expect(closeEnough(interval.difference, try #require(c.double("difference"))))
            #expect(closeEnough(interval.lower, try #require(c.double("lower"))), "lower for n = \(a.count)")
            #expect(closeEnough(interval.upper, try #require(c.double("upper"))), "upper for n = \(a.count)")
        }
    }

    @Test func bootstrapIsDeterministicAndChecksItsInput() throws {
        let a = [1.0, 0, 1, 1, 0, 1], b = [0.0, 0, 1, 0, 0, 1]
        #expect(try PairedStatistics.bootstrapCI(a: a, b: b, seed: 3) == PairedStatistics.bootstrapCI(a: a, b: b, seed: 3))
        // A constant difference has no spread: every resample gives the same mean.
        let constant = try PairedStatistics.bootstrapCI(a: [0.75, 0.75], b: [0.25, 0.25])
        #expect(constant == .init(difference: 0.5, lower: 0.5, upper: 0.5))
        #expect(throws: PairedStatisticsError.self) { try PairedStatistics.bootstrapCI(a: [1], b: [1, 0]) }
        #expect(throws: PairedStatisticsError.self) { try PairedStatistics.bootstrapCI(a: [], b: []) }
    }

    @Test func mcnemarExactAgreesWithScipyBinomial() throws {
        for c in try MetricsReference.section("mcnemar") {
            let b = try #require(c["b"]?.intValue), cc = try #require(c["c"]?.intValue)
            let p = try PairedStatistics.mcnemarExactP(b: b, c: cc)
            #expect(closeEnough(p, try #require(c.double("p"))), "b \(b), c \(cc): \(p)")
        }
    }

    @Test func mcnemarHandChecked() throws {
        // b = 0, c = 3: P(X ≤ 0) for Binomial(3, 1/2) is 1/8, doubled 1/4.
        #expect(try PairedStatistics.mcnemarExactP(b: 0, c: 3) == 0.25)
        // No discordant pairs, or equal counts: p is capped at 1.
        #expect(try PairedStatistics.mcnemarExactP(b: 0, c: 0) == 1)
        #expect(try PairedStatistics.mcnemarExactP(b: 4, c: 4) == 1)
    }
}
