import Testing
@testable import ArenaRuntime

@Suite struct AggregationTests {
    @Test func meanAndStderrAgreeWithLmEval() throws {
        for c in try MetricsReference.section("aggregation") {
            let values = try #require(c["values"]?.arrayValue).compactMap(\.doubleValue)
            #expect(Aggregation.mean(values) == c.double("mean"), "mean of \(values)")
            #expect(Aggregation.meanStderr(values) == c.double("stderr"), "stderr of \(values)")
        }
    }

    @Test func handChecked() {
        // [0, 1, 1, 0]: mean 0.5; sample variance (4 · 0.25) / 3 = 1/3; stderr sqrt(1/3) / 2.
        #expect(Aggregation.mean([0, 1, 1, 0]) == 0.5)
        #expect(Aggregation.meanStderr([0, 1, 1, 0]) == (1.0 / 3.0).squareRoot() / 2)
        // One value: lm-eval reports "N/A" for the stderr.
        #expect(Aggregation.meanStderr([1]) == nil)
        #expect(Aggregation.mean([]).isNaN)
    }
}
