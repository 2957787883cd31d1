import Foundation
import Testing
@testable import ArenaRuntime

@Suite struct BundleDiffTests {
    @Test func twoModelsOfOneBundleArePairedByDocument() throws {
        let contents = BundleWriterTests.contents
        let (base, cand) = try BundleDiff.sides(first: contents, firstLabel: "run", second: nil, secondLabel: nil,
                                                baselineModel: "base", candidateModel: "tuned")
        let diff = try BundleDiff(baseline: base, candidate: cand, iterations: 500)
        let arc = try #require(diff.rows.first { $0.task == "arc_easy" && $0.metric == "acc,none" })
        // tuned answered docs 0..<14, base 0..<9: five documents only tuned got right.
        #expect(arc.recordedBaseline == 0.45 && arc.recordedCandidate == 0.7)
        #expect(arc.paired.meanA == 0.45 && arc.paired.meanB == 0.7 && arc.paired.unpairedA == 0 && arc.paired.unpairedB == 0)
        #expect(arc.paired.onlyA == 0 && arc.paired.onlyB == 5)
        #expect(arc.paired.mcnemarP == (try PairedStatistics.mcnemarExactP(b: 0, c: 5)))
        #expect(arc.paired.ciLow > 0 && arc.paired.ciHigh <= 0.5)
        #expect(diff.unmatched.isEmpty)
        let json = DiffRenderer.json(diff)
        #expect(json["rows"]?.arrayValue?.count == diff.rows.count)
        #expect(json["rows"]?.arrayValue?.first?["only_candidate_correct"]?.intValue == 5)
        let text = DiffRenderer.text(diff)
        #expect(text.contains("arc_easy") && text.contains("+0.2500"))
        #expect(DiffRenderer.markdown(diff).contains("| arc_easy | acc,none | 0.4500 | 0.7000 | +0.2500 |"))
    }

    @Test func defaultsPickTheFirstTwoModelsAndErrorsNameTheBundle() throws {
        let contents = BundleWriterTests.contents
        let (base, cand) = try BundleDiff.sides(first: contents, firstLabel: "run", second: nil, secondLabel: nil, baselineModel: nil, candidateModel: nil)
        #expect(base.model == "tuned" && cand.model == "base")
        #expect(throws: DiffError.unknownModel("nope", bundle: "run", known: ["tuned", "base"])) {
            _ = try BundleDiff.sides(first: contents, firstLabel: "run", second: nil, secondLabel: nil, baselineModel: "nope", candidateModel: nil)
        }
        var single = contents
        single.models = [contents.models[0]]
        #expect(throws: DiffError.self) {
            _ = try BundleDiff.sides(first: single, firstLabel: "one", second: nil, secondLabel: nil, baselineModel: nil, candidateModel: nil)
        }
    }

    @Test func tasksOnOneSideOnlyAreListed() throws {
        var other = BundleWriterTests.contents
        other.tasks = other.tasks.filter { $0.task == "arc_easy" }
        let (base, cand) = try BundleDiff.sides(first: BundleWriterTests.contents, firstLabel: "a", second: other, secondLabel: "b",
                                                baselineModel: "base", candidateModel: "tuned")
        let diff = try BundleDiff(baseline: base, candidate: cand, iterations: 100)
        #expect(diff.unmatched == ["gsm8k"])
        #expect(Set(diff.rows.map(\.task)) == ["arc_easy"])
    }
}
