import Foundation

// Benchmarks of arena-script's hot paths; docs/benchmarks.md records the figures.
// Each benchmark lives in its own file as `enum XBench { static func run(_ args: [String]) async throws }`.
let benchmarks: [(name: String, summary: String)] = [
    ("lock", "lockfile render/parse/diff and local content hashing [models] [MiB]"),
    ("data", "load Parquet/JSONL/CSV files through DatasetLoader (sha256 included)"),
    ("native", "sgemm peak; native engine prefill and generation tokens/s"),
    ("gguf", "open the GGUF test models and dequantize every tensor: ms, MB/s per tensor type [--iterations N] [FILE...]"),
    ("tokenizer", "tokens/s encoding and decoding a large text with the native tokenizer"),
    ("check", "parse, check, interpret and plan a generated 200-line experiment; ms per check [ITERATIONS] [EXPERIMENT...]"),
    ("metrics", "gsm8k, truthfulqa_gen, DROP scoring and the paired bootstrap on real data"),
    ("client", "server client vs lm-eval on a loopback OpenAI-compatible server (0 and 50 ms latency)"),
    ("hubmodel", "bring a model from a loopback Hub into a cache folder: cold, warm, rebuilt"),
    ("scoring", "native scorer CPU time per prompt against a completions server (SPEC.json as run_lm_eval.py)"),
    ("serve", "loglikelihood requests/s through arena-script serve over loopback HTTP vs direct"),
    ("verify", "verify's re-scoring of a generated 10,000-document arc_easy bundle [DOCUMENTS]"),
    ("interrupt", "ms from Ctrl-C (and from a second Ctrl-C) to arena-script's exit with its server stopped"),
]

let args = Array(CommandLine.arguments.dropFirst())
guard let name = args.first else {
    print("usage: arena-bench <benchmark> [options]\n")
    for b in benchmarks { print("  \(b.name.padding(toLength: 14, withPad: " ", startingAt: 0)) \(b.summary)") }
    exit(0)
}
switch name {
case "lock":
    try await LockBench.run(Array(args.dropFirst()))
case "data":
    try await DataBench.run(Array(args.dropFirst()))
case "native":
    try await NativeBench.run(Array(args.dropFirst()))
case "gguf":
    try await GGUFBench.run(Array(args.dropFirst()))
case "tokenizer":
    try await TokenizerBench.run(Array(args.dropFirst()))
case "check":
    try await CheckBench.run(Array(args.dropFirst()))
case "metrics":
    try await MetricsBench.run(Array(args.dropFirst()))
case "client":
    do { try await ClientBench.run(Array(args.dropFirst())) } catch {
        FileHandle.standardError.write(Data("arena-bench client: \(error)\n".utf8))
        exit(1)
    }
case "hubmodel":
    try await HubModelBench.run(Array(args.dropFirst()))
case "scoring":
    try await ScoringBench.run(Array(args.dropFirst()))
case "serve":
    try await ServeBench.run(Array(args.dropFirst()))
case "verify":
    try await VerifyBench.run(Array(args.dropFirst()))
case "interrupt":
    do { try await InterruptBench.run(Array(args.dropFirst())) } catch {
        FileHandle.standardError.write(Data("arena-bench interrupt: \(error)\n".utf8))
        exit(1)
    }
default:
    FileHandle.standardError.write(Data("arena-bench: unknown benchmark '\(name)'\n".utf8))
    exit(2)
}
