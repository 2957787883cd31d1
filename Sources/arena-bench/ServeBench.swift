import ArenaRuntime
import Foundation

/// `arena-bench serve [--model FOLDER] [--requests N]`: lm-eval-style loglikelihood requests (echo,
/// max_tokens 1, logprobs 1, a 64-token prompt) sent one at a time over loopback HTTP to
/// `arena-script serve`'s server in this process, against the same scoring called directly.
enum ServeBench {
    static func run(_ args: [String]) async throws {
        var folder = "models/tiny-llama"
        var count = 200
        var i = 0
        while i < args.count {
            switch args[i] {
            case "--model" where i + 1 < args.count: folder = args[i + 1]; i += 1
            case "--requests" where i + 1 < args.count: count = Int(args[i + 1]) ?? count; i += 1
            default: throw TokenizerBenchError("unknown option \(args[i]); usage: arena-bench serve [--model FOLDER] [--requests N]")
            }
            i += 1
        }
        let served = try ServedModel.native(folder: URL(fileURLWithPath: folder), threads: 1)
        guard let backend = served.tokenLevel else { throw TokenizerBenchError("\(folder): no token-level backend") }
        let text = String(repeating: "The quick brown fox jumps over the lazy dog. ", count: 20)
        let prompt = Array(backend.tokenizer.encode(text, addSpecialTokens: false).prefix(64))
        let body = JSONValue.object([
            "prompt": .array(prompt.map(JSONValue.int)), "max_tokens": .int(1), "temperature": .int(0),
            "logprobs": .int(1), "echo": .bool(true),
        ]).serializedData(indent: nil)

        var start = DispatchTime.now().uptimeNanoseconds
        for _ in 0 ..< count { _ = try backend.model.startDecoding(prompt, positions: 0 ..< prompt.count, capacity: prompt.count + 1) }
        let direct = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9

        let server = try CompletionServer(served: served, host: "127.0.0.1", port: 0)
        let port = try await server.start()
        let client = HTTPClient(retry: .none)
        let request = HTTPRequest(method: "POST", url: "http://127.0.0.1:\(port)/v1/completions", headers: ["Content-Type": "application/json"], body: body)
        start = DispatchTime.now().uptimeNanoseconds
        for _ in 0 ..< count { _ = try await client.send(request).requireSuccess() }
        let overHTTP = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        await server.stop()
        print("\(folder), \(prompt.count)-token prompts, \(count) requests, one at a time")
        print(String(format: "direct scoring: %.1f requests/s (%.2f ms each)", Double(count) / direct, direct / Double(count) * 1000))
        print(String(format: "over HTTP:      %.1f requests/s (%.2f ms each, %.2f ms HTTP + JSON)", Double(count) / overHTTP,
                     overHTTP / Double(count) * 1000, (overHTTP - direct) / Double(count) * 1000))
    }
}
