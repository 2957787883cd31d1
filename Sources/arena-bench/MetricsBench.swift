import ArenaRuntime
import Foundation

/// Scoring throughput of the metric functions on real task data:
/// `arena-bench metrics [shared-data-dir]` (default ../shared/data).
enum MetricsBench {
    static func run(_ args: [String]) async throws {
        let data = URL(fileURLWithPath: args.first ?? "../shared/data")
        let answers = try String(contentsOf: data.appendingPathComponent("gsm8k/test.jsonl"), encoding: .utf8)
            .split(separator: "\n").compactMap { try JSONValue.parse(String($0))["answer"]?.stringValue }
        let questions = try JSONValue.parse(Data(contentsOf: data.appendingPathComponent("truthfulqa/mc_task.json"))).arrayValue ?? []

        let regexes = try ExactMatch.gsm8kRegexesToIgnore.map { try PythonRegex($0) }
        report("gsm8k strict+flexible+2×exact_match", count: answers.count) {
            var total = 0.0
            for (i, answer) in answers.enumerated() {
                let reference = answers[(i + 1) % answers.count]
                for prediction in [GSM8KFilter.strictMatch(answer), GSM8KFilter.flexibleExtract(answer)] {
                    total += ExactMatch.score(prediction: prediction, reference: reference, ignoreCase: true,
                                              ignorePunctuation: false, compiledRegexes: regexes)
                }
            }
            return total
        }

        let documents: [(completion: String, correct: [String], incorrect: [String])] = questions.compactMap { question in
            guard let targets = question["mc2_targets"]?.objectValue else { return nil }
            let keys = targets.keys.sorted()
            let formatted = TruthfulQAGenMetrics.formatAnswers(correct: keys.filter { targets[$0]?.intValue == 1 },
                                                               incorrect: keys.filter { targets[$0]?.intValue == 0 })
            return (keys.first ?? "", formatted.correct, formatted.incorrect)
        }
        try report("truthfulqa_gen 12 metrics", count: documents.count) {
            var total = 0.0
            for doc in documents {
                total += try TruthfulQAGenMetrics.score(completion: doc.completion, correct: doc.correct, incorrect: doc.incorrect)["bleu_max"] ?? 0
            }
            return total
        }

        let sentences = answers.flatMap { $0.split(separator: "\n").map(String.init) }
        report("drop em/f1 (gsm8k sentences vs their last word)", count: sentences.count) {
            var total = 0.0
            for sentence in sentences {
                let gold = String(sentence.split(separator: " ").last ?? "")
                total += DropMetrics.score(prediction: sentence, golds: [[gold], [sentence]]).f1
            }
            return total
        }

        let a = answers.indices.map { Double($0 % 3 == 0 ? 1 : 0) }
        let b = answers.indices.map { Double($0 % 2 == 0 ? 1 : 0) }
        try report("paired bootstrap, n = \(a.count), 1000 resamples", count: 1) {
            try PairedStatistics.bootstrapCI(a: a, b: b, iterations: 1000, seed: 1234).lower
        }
        try report("paired bootstrap, n = \(a.count), 10000 resamples (compare, expect ... with confidence)", count: 1) {
            try PairedStatistics.bootstrapCI(a: a, b: b, iterations: 10_000, seed: 1234).lower
        }
        // The report's interval of a metric that is not 0/1 (F1 here): the bootstrap of the mean.
        let f1 = sentences.prefix(1_319).map { sentence in
            DropMetrics.score(prediction: sentence, golds: [[String(sentence.split(separator: " ").last ?? "")]]).f1
        }
        report("metric interval, bootstrap of the mean, n = \(f1.count), 10000 resamples", count: 1) {
            MetricInterval.of(Array(f1), seed: 1234)?.low ?? .nan
        }
        report("metric interval, Wilson, n = \(a.count)", count: 1) {
            MetricInterval.of(a, seed: 1234)?.low ?? .nan
        }
    }

    private static func report(_ name: String, count: Int, _ body: () throws -> Double) rethrows {
        let clock = ContinuousClock()
        var checksum = 0.0
        let elapsed = try clock.measure { checksum = try body() }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = Double(count) / seconds
        print("\(name): \(count) in \(String(format: "%.3f", seconds)) s, \(String(format: "%.0f", rate))/s (checksum \(checksum))")
    }
}
