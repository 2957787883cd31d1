import FlyingFox
import Foundation
import Testing
@testable import ArenaRuntime

/// An experiment's `generation:` settings reach the task's generation kwargs (what lm-eval logs and
/// its `--gen_kwargs` sets) and the completions requests sent to a server.
@Suite struct GenerationSettingsTests {
    actor Bodies {
        var all: [ArenaRuntime.JSONValue] = []
        func add(_ body: ArenaRuntime.JSONValue) { all.append(body) }
        func snapshot() -> [ArenaRuntime.JSONValue] { all }
    }

    @Test func overridesReplaceTheTasksSettings() throws {
        let gsm8k = try TaskCatalog.task(named: "gsm8k")
        let base = try #require(gsm8k.generation)
        let changed = base.applying(["max_gen_toks": 64, "temperature": 0.5, "top_k": 40, "top_p": 0.9])
        #expect(changed.until == base.until)
        #expect(changed.maxGenToks == 64 && changed.temperature == 0.5 && changed.topK == 40 && changed.topP == 0.9)
        #expect(changed.kwargsJSON["top_k"]?.intValue == 40)
        #expect(changed.kwargsJSON["top_p"]?.doubleValue == 0.9)
        // Nothing asked, nothing changed: the kwargs lm-eval logs stay as they were.
        #expect(base.applying([:]) == base)
        #expect(base.kwargsJSON["top_k"] == nil)
        #expect(LMEvalHarness.generationKwargs(["top_p": 0.9, "max_gen_toks": 64, "temperature": 0]) == "max_gen_toks=64,temperature=0.0,top_p=0.9")
    }

    @Test func samplingCutOffsAreSentOnlyWhenSet() async throws {
        let bodies = Bodies()
        let server = try await RouteServer(routes: [("POST /v1/completions", { request in
            let body = try ArenaRuntime.JSONValue.parse(try await request.bodyData)
            await bodies.add(body)
            let count = body["prompt"]?.arrayValue?.count ?? 0
            return RouteServer.json(["choices": (0..<count).map { ["index": $0, "text": "ok"] }])
        })])
        defer { Task { await server.stop() } }
        let engine = OpenAICompletionsEngine(
            configuration: .init(baseURL: server.baseURL, model: "stub", batchSize: 4, concurrency: 2, maxLength: 2048),
            identity: EngineIdentity(kind: "endpoint", version: "stub", model: "stub"),
            tokenizer: .local(encode: { Array($0.utf8).map(Int.init) }, decode: { String(decoding: $0.map(UInt8.init), as: UTF8.self) }),
            client: HTTPClient(retry: .none))
        let results = try await engine.generate([
            GenerationRequest(prompt: "a", until: [], maxTokens: 8, temperature: 0.7, seed: 1, topK: 40, topP: 0.9),
            GenerationRequest(prompt: "b", until: [], maxTokens: 8),
        ])
        #expect(results.map(\.text) == ["ok", "ok"])
        let sent = await bodies.snapshot().sorted { ($0["temperature"]?.doubleValue ?? 0) > ($1["temperature"]?.doubleValue ?? 0) }
        #expect(sent.count == 2)
        #expect(sent.first?["top_k"]?.intValue == 40)
        #expect(sent.first?["top_p"]?.doubleValue == 0.9)
        #expect(sent.last?["top_k"] == nil && sent.last?["top_p"] == nil)
    }
}
