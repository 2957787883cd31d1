import ArenaRuntime
import COpenBLAS
import Foundation

/// `arena-bench native [--python PATH] [--model DIR] [--threads N] [--prefill T] [--generate N] [--no-peak]`:
/// this machine's sgemm peak, then prefill, batch scoring and generation tokens/s of the native
/// engine on a model folder, by default one generated into a temporary folder (hidden 1024,
/// 4 layers, 16 heads, 4 key/value heads, vocab 4096: `make_weights.py --preset bench`), which it
/// leaves behind with its path printed so that `--model` can reuse it.
enum NativeBench {
    static func run(_ args: [String]) async throws {
        func option(_ name: String, _ fallback: String) -> String {
            guard let i = args.firstIndex(of: name), i + 1 < args.count else { return fallback }
            return args[i + 1]
        }
        let python = option("--python", ProcessInfo.processInfo.environment["ARENA_TEST_PYTHON"] ?? "python3")
        let threads = Int(option("--threads", "2")) ?? 2
        let prefillLength = Int(option("--prefill", "512")) ?? 512
        let generateCount = Int(option("--generate", "64")) ?? 64

        // peak[t]: best sgemm GFLOP/s with t threads over wall time; peakCPU: best GFLOP per CPU-second of
        // the process (all its threads), which time lost to other processes on a shared machine does not lower.
        var peak: [Int: Double] = [:]
        var peakCPU = 0.0
        for n in args.contains("--no-peak") ? [] : [1024, 2048, 4096] {
            for t in Set([1, threads]).sorted() {
                let (wall, cpu) = sgemmGFLOPS(size: n, threads: t)
                peak[t] = max(peak[t] ?? 0, wall)
                peakCPU = max(peakCPU, cpu)
                print("sgemm \(n)x\(n)x\(n), \(t) thread(s): \(String(format: "%.1f", wall)) GFLOP/s, \(String(format: "%.1f", cpu)) per CPU-second (best run)")
            }
        }
        openblas_set_num_threads(1)

        let model = try NativeModel(folder: args.contains("--model") ? URL(fileURLWithPath: option("--model", ".")) : generateModel(python: python))
        for engineThreads in Set([1, threads]).sorted() {
            try measure(try NativeEngine(model: model, tokenizer: nil, threads: engineThreads), prefillLength: prefillLength, generateCount: generateCount,
                        peak: peak[engineThreads] ?? 0, peakCPU: peakCPU)
        }
    }

    /// Writes the benchmark's model (`make_weights.py --preset bench`) into a temporary folder.
    static func generateModel(python: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("arena-native-bench-\(ProcessInfo.processInfo.processIdentifier)")
        let generator = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/tiny_models/make_weights.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, generator.path, "--preset", "bench", "--out", folder.path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError("make_weights.py failed (python: \(python))") }
        print("model: \(folder.path)")
        return folder
    }

    static func measure(_ engine: NativeEngine, prefillLength: Int, generateCount: Int, peak: Double, peakCPU: Double) throws {
        let threads = engine.threads
        let c = engine.model.config
        let layerParams = Double(c.layerCount) * Double(
            c.hiddenSize * (c.headCount + 2 * c.keyValueHeadCount) * c.headDim + c.headCount * c.headDim * c.hiddenSize + 3 * c.hiddenSize * c.intermediateSize)

        var tokens: [Int] = []
        var state: UInt64 = 12345
        for _ in 0 ..< prefillLength {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            tokens.append(Int((state >> 33) % UInt64(c.vocabSize)))
        }
        _ = try engine.loglikelihood(tokens: Array(tokens.prefix(64)), contextLength: 63)
        var best = Double.infinity, bestCPU = Double.infinity
        for _ in 0 ..< 8 {
            let start = Date(), cpuStart = processCPUSeconds()
            _ = try engine.loglikelihood(tokens: tokens, contextLength: prefillLength - 1)
            best = min(best, Date().timeIntervalSince(start))
            bestCPU = min(bestCPU, processCPUSeconds() - cpuStart)
        }
        let input = Double(prefillLength - 1)
        let attentionFlops = Double(c.layerCount) * 4 * Double(c.headCount * c.headDim) * input * input
        let flops = 2 * layerParams * input + attentionFlops
        let prefillGFLOPS = flops / best / 1e9
        let share = peak > 0 ? ", \(String(format: "%.0f", 100 * prefillGFLOPS / peak))% of the \(threads)-thread sgemm peak \(String(format: "%.1f", peak))" : ""
        print("prefill \(prefillLength - 1) tokens, \(threads) thread(s): \(String(format: "%.0f", input / best)) tokens/s, \(String(format: "%.1f", prefillGFLOPS)) GFLOP/s\(share) (best of 8)")
        let cpuGFLOPS = flops / bestCPU / 1e9
        let cpuShare = peakCPU > 0 ? ", \(String(format: "%.0f", 100 * cpuGFLOPS / peakCPU))% of sgemm's \(String(format: "%.1f", peakCPU))" : ""
        print("prefill, \(threads) thread(s), per CPU-second: \(String(format: "%.0f", input / bestCPU)) tokens, \(String(format: "%.1f", cpuGFLOPS)) GFLOP\(cpuShare)")

        // A scoring workload: 32 sequences of 128 tokens, 8 of them continuation.
        let batch = (0 ..< 32).map { i in (tokens: Array(tokens[(i * 7) % (prefillLength - 128) ..< (i * 7) % (prefillLength - 128) + 128]), contextLength: 120) }
        var batchBest = Double.infinity
        for _ in 0 ..< 3 {
            let start = Date()
            _ = try engine.loglikelihood(sequences: batch)
            batchBest = min(batchBest, Date().timeIntervalSince(start))
        }
        print("loglikelihood batch of 32 x 128 tokens, \(threads) thread(s): \(String(format: "%.1f", 32 / batchBest)) sequences/s, \(String(format: "%.0f", 32 * 127 / batchBest)) tokens/s (best of 3)")

        let prompt = Array(tokens.prefix(32))
        var fastest = Double.infinity
        var count = 0
        for _ in 0 ..< 3 {
            let start = Date()
            count = try engine.generateTokens(promptTokens: prompt, maxTokens: generateCount).count
            fastest = min(fastest, Date().timeIntervalSince(start))
        }
        print("generation: \(count) tokens after a 32-token prompt, \(threads) thread(s): \(String(format: "%.1f", Double(count) / fastest)) tokens/s (best of 3, prompt included)")
    }

    /// Best sgemm GFLOP/s over wall time, and GFLOP per CPU-second of the process.
    static func sgemmGFLOPS(size n: Int, threads: Int) -> (wall: Double, cpu: Double) {
        openblas_set_num_threads(Int32(threads))
        let a = [Float](repeating: 0.5, count: n * n), b = [Float](repeating: 0.25, count: n * n)
        var c = [Float](repeating: 0, count: n * n)
        // Best of the runs within about 2 seconds: other processes on a shared machine only slow a run down.
        var best = Double.infinity, bestCPU = Double.infinity
        let begin = Date()
        var runs = 0
        while runs < 3 || Date().timeIntervalSince(begin) < 2 {
            let start = Date(), cpuStart = processCPUSeconds()
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1, a, Int32(n), b, Int32(n), 0, &c, Int32(n))
            best = min(best, Date().timeIntervalSince(start))
            bestCPU = min(bestCPU, processCPUSeconds() - cpuStart)
            runs += 1
        }
        let flops = 2 * Double(n) * Double(n) * Double(n)
        return (flops / best / 1e9, flops / bestCPU / 1e9)
    }

    static func processCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    struct BenchError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
