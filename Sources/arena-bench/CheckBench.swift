import ArenaRuntime
import ArenaScript
import Foundation

/// `arena-bench check [ITERATIONS] [EXPERIMENT...]`: parses, checks, interprets and plans a
/// generated 200-line experiment many times and prints milliseconds per check (target: under 50
/// ms); then checks each EXPERIMENT file (its local models and data files opened and every row
/// read) and prints milliseconds per file.
enum CheckBench {
    /// A 200-line experiment using every statement kind and most built-ins.
    static func generatedExperiment(lines: Int = 200) -> String {
        var out = ["// Generated for arena-bench check.", "experiment \"bench-check\"", "seed 1234", "limit 100",
                   "let server = vllm(image: \"vllm/vllm-openai:v0.8.5\", gpu: \"H100\", tp: 1, precision: \"bf16\")",
                   "let suite = [hellaswag, arc_easy, arc_challenge, mathqa, truthfulqa, drop, gsm8k(fewshot: 5),",
                   "             mmlu_abstract_algebra, mmlu_college_mathematics]"]
        var i = 0
        while out.count + 4 <= lines {
            out.append("# model \(i)")
            out.append("let m\(i) = model(\"org/model-\(i)\", revision: \"v\(i).0\")")
            out.append("for task in [suite] { evaluate(m\(i), on: task, with: server) }")
            out.append(i == 0 ? "expect m0.gsm8k.exact_match >= 0" : "expect m\(i).gsm8k.exact_match + 0.01 >= m\(i - 1).gsm8k.exact_match or m\(i).arc_easy.acc > 0.5")
            i += 1
        }
        while out.count < lines { out.append("// padding") }
        return out.joined(separator: "\n") + "\n"
    }

    static func run(_ args: [String]) async throws {
        let iterations = args.first.flatMap { Int($0) } ?? 200
        let source = generatedExperiment()
        let lineCount = source.split(separator: "\n", omittingEmptySubsequences: false).count - 1
        // Warm up and make sure the generated file is clean.
        let first = PlanLoader.check(source: source, path: "bench.arena")
        guard first.plan != nil else {
            FileHandle.standardError.write(Data(first.rendered(colour: false).utf8))
            throw PlanLoadError(rendered: "the generated experiment does not check", diagnostics: first.diagnostics)
        }
        let clock = ContinuousClock()
        var runs = 0
        let elapsed = clock.measure {
            for _ in 0..<iterations where PlanLoader.check(source: source, path: "bench.arena").plan != nil { runs += 1 }
        }
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        print("check: \(lineCount)-line experiment, \(first.plan?.runs.count ?? 0) runs, \(runs) checks in \(String(format: "%.1f", ms)) ms")
        print("check: \(String(format: "%.3f", ms / Double(max(1, runs)))) ms per check (target < 50 ms)")
        for path in args.dropFirst() {
            let result = PlanLoader.check(path: path)
            guard result.plan != nil else {
                FileHandle.standardError.write(Data(result.rendered(colour: false).utf8))
                throw PlanLoadError(rendered: "\(path) does not check", diagnostics: result.diagnostics)
            }
            let repeats = max(1, iterations / 50)
            let fileElapsed = clock.measure { for _ in 0..<repeats { _ = PlanLoader.check(path: path) } }
            let fileMs = Double(fileElapsed.components.seconds) * 1000 + Double(fileElapsed.components.attoseconds) / 1e15
            print("check: \(path) with its local files: \(String(format: "%.1f", fileMs / Double(repeats))) ms per check (\(repeats) checks)")
        }
    }
}
