import ArenaRuntime
import COpenBLAS
import Foundation

/// `arena-bench native [--python PATH] [--threads N] [--prefill T] [--generate N] [--no-peak]`: this machine's
/// sgemm peak, then prefill and generation tokens/s of the native engine on a generated model
/// (hidden 1024, 4 layers, 16 heads, 4 key/value heads; `make_weights.py --preset bench`).
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

        // peak[t]: best sgemm GFLOP/s with t threads over wall time; peakCPU: one thread over its CPU time.
        var peak: [Int: Double] = [:]
        var peakCPU = 0.0
        for n in args.contains("--no-peak") ? [] : [1024, 2048, 4096] {
            for t in Set([1, threads]).sorted() {
                let (wall, cpu) = sgemmGFLOPS(size: n, threads: t)
                peak[t] = max(peak[t] ?? 0, wall)
                if t == 1 { peakCPU = max(peakCPU, cpu) }
                let cpuText = t == 1 ? ", \(String(format: "%.1f", cpu)) per CPU-second" : ""
                print("sgemm \(n)x\(n)x\(n), \(t) thread(s): \(String(format: "%.1f", wall)) GFLOP/s\(cpuText) (best run)")
            }
        }
        openblas_set_num_threads(1)

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("arena-native-bench-\(ProcessInfo.processInfo.processIdentifier)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let generator = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/tiny_models/make_weights.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, generator.path, "--preset", "bench", "--out", folder.path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError("make_weights.py failed (python: \(python))") }

        let loadStart = Date()
        let model = try NativeModel(folder: folder)
        print("load: \(String(format: "%.2f", Date().timeIntervalSince(loadStart))) s")
        for engineThreads in Set([1, threads]).sorted() {
            try measure(try NativeEngine(model: model, tokenizer: nil, threads: engineThreads), prefillLength: prefillLength, generateCount: generateCount,
                        peak: peak[engineThreads] ?? 0, peakCPU: engineThreads == 1 ? peakCPU : 0)
        }
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
            let start = Date(), cpuStart = threadCPUSeconds()
            _ = try engine.loglikelihood(tokens: tokens, contextLength: prefillLength - 1)
            best = min(best, Date().timeIntervalSince(start))
            bestCPU = min(bestCPU, threadCPUSeconds() - cpuStart)
        }
        let input = Double(prefillLength - 1)
        let attentionFlops = Double(c.layerCount) * 4 * Double(c.headCount * c.headDim) * input * input
        let flops = 2 * layerParams * input + attentionFlops
        let prefillGFLOPS = flops / best / 1e9
        let share = peak > 0 ? ", \(String(format: "%.0f", 100 * prefillGFLOPS / peak))% of the \(threads)-thread sgemm peak \(String(format: "%.1f", peak))" : ""
        print("prefill \(prefillLength - 1) tokens, \(threads) thread(s): \(String(format: "%.0f", input / best)) tokens/s, \(String(format: "%.1f", prefillGFLOPS)) GFLOP/s\(share) (best of 8)")
        if threads == 1 {
            // On one thread all work runs on the calling thread, so its CPU time excludes time lost to other processes.
            let cpuGFLOPS = flops / bestCPU / 1e9
            let cpuShare = peakCPU > 0 ? ", \(String(format: "%.0f", 100 * cpuGFLOPS / peakCPU))% of sgemm's \(String(format: "%.1f", peakCPU))" : ""
            print("prefill, 1 thread, per CPU-second: \(String(format: "%.0f", input / bestCPU)) tokens/s, \(String(format: "%.1f", cpuGFLOPS)) GFLOP/s\(cpuShare)")
        }

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

    /// Best sgemm GFLOP/s over wall time, and over the calling thread's CPU time (meaningful with one thread).
    static func sgemmGFLOPS(size n: Int, threads: Int) -> (wall: Double, cpu: Double) {
        openblas_set_num_threads(Int32(threads))
        let a = [Float](repeating: 0.5, count: n * n), b = [Float](repeating: 0.25, count: n * n)
        var c = [Float](repeating: 0, count: n * n)
        // Best of the runs within about 2 seconds: other processes on a shared machine only slow a run down.
        var best = Double.infinity, bestCPU = Double.infinity
        let begin = Date()
        var runs = 0
        while runs < 3 || Date().timeIntervalSince(begin) < 2 {
            let start = Date(), cpuStart = threadCPUSeconds()
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1, a, Int32(n), b, Int32(n), 0, &c, Int32(n))
            best = min(best, Date().timeIntervalSince(start))
            bestCPU = min(bestCPU, threadCPUSeconds() - cpuStart)
            runs += 1
        }
        let flops = 2 * Double(n) * Double(n) * Double(n)
        return (flops / best / 1e9, flops / bestCPU / 1e9)
    }

    static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    struct BenchError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
