import FlyingFox
import Foundation
import Testing
@testable import ArenaRuntime

/// `run` reads what a server serves before its first request: the model it lists must be the
/// experiment's (or its `served_name:`), and its context length sets the longest prompt sent.
@Suite(.serialized) struct ServedModelRunTests {
    static let tinyPath = "models/tiny-llama"

    func repository(_ server: FakeServer, servedName: String?, endpointArgs: String = "") throws -> URL {
        try EndpointRunTests.makeRepository(experiment: """
            experiment "served"
            let tiny = model("../models/tiny-llama"\(servedName.map { ", served_name: \"\($0)\"" } ?? ""))
            let engine = endpoint(url: "\(server.baseURL)/v1"\(endpointArgs))
            let math = dataset(test: "data/word_math_test.jsonl", train: "data/word_math_train.jsonl")
            evaluate(tiny, on: gsm8k(dataset: math, fewshot: 0, limit: 2), with: engine)
            """)
    }

    func runError(_ root: URL) async -> String {
        do {
            _ = try await EndpointRunTests.run(root, cacheRoot: nil)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func anEndpointServingAnotherModelIsRefusedNamingBoth() async throws {
        let server = try FakeServer(model: "other/model")
        let root = try repository(server, servedName: nil)
        let error = await runError(root)
        let path = root.appendingPathComponent(Self.tinyPath).standardizedFileURL.path
        #expect(error.contains("serves 'other/model', not '\(path)' (model 'tiny')"), "\(error)")
        #expect(error.contains("served_name: \"other/model\""), "\(error)")
        #expect((try FileManager.default.contentsOfDirectory(atPath: root.path)).contains("results") == false)
    }

    @Test func aServedNameTheServerDoesNotListIsRefused() async throws {
        let server = try FakeServer(model: "fake/model")
        let error = await runError(try repository(server, servedName: "fake/modl"))
        #expect(error.contains("serves 'fake/model', not 'fake/modl'") && error.contains("served_name: \"fake/modl\" must be one of"), "\(error)")
    }

    @Test func theServedNameAndTheServersContextAreUsedAndRecorded() async throws {
        let server = try FakeServer(model: "fake/model", environment: ["FAKE_MAX_MODEL_LEN": "3000"])
        let bundle = try await EndpointRunTests.run(try repository(server, servedName: "fake/model"), cacheRoot: nil)
        let facts = bundle.environment["engines"]?["tiny"]
        #expect(facts?["served_model"]?.stringValue == "fake/model")
        #expect(facts?["max_length"] == .object(["source": .string("/v1/models max_model_len"), "tokens": .int(3000)]))
    }

    @Test func withoutAReportedContextTheEndpointsMaxModelLenOrTheDefaultIsUsed() async throws {
        let server = try FakeServer(model: "fake/model", environment: ["FAKE_MAX_MODEL_LEN": "0"])
        let given = try await EndpointRunTests.run(try repository(server, servedName: "fake/model", endpointArgs: ", max_model_len: 1024"), cacheRoot: nil)
        #expect(given.environment["engines"]?["tiny"]?["max_length"] == .object(["source": .string("experiment max_model_len"), "tokens": .int(1024)]))
        let logged = LogLines()
        let fallback = try await EndpointRunTests.run(try repository(server, servedName: "fake/model"), cacheRoot: nil, log: logged.append)
        #expect(fallback.environment["engines"]?["tiny"]?["max_length"]?["tokens"] == .int(2048))
        #expect(logged.lines.contains { $0.contains("reports no context length; prompts are cut to 2048 tokens") })
    }

    @Test func aReportedContextThatContradictsMaxModelLenIsRefused() async throws {
        let server = try FakeServer(model: "fake/model")
        let error = await runError(try repository(server, servedName: "fake/model", endpointArgs: ", max_model_len: 2048"))
        #expect(error.contains("the server reports a context of 4096 tokens (/v1/models max_model_len) but the experiment says max_model_len: 2048"), "\(error)")
    }

    /// The engine the provider starts sends at most the reported context.
    @Test func theEnginesMaxLengthIsTheServersContext() async throws {
        let server = try FakeServer(model: "fake/model", environment: ["FAKE_MAX_MODEL_LEN": "64"])
        let provider = StandardEngineProvider(cacheRoot: nil)
        let handle = try await provider.start(model: ModelSpec(key: "m", id: "fake/model"), engine: EngineSpec(key: "e", kind: .endpoint, url: server.baseURL),
                                              seed: 1, experimentDirectory: URL(fileURLWithPath: "/tmp"), progress: nil)
        let engine = try #require(handle.engine as? OpenAICompletionsEngine)
        #expect(engine.configuration.maxLength == 64)
        #expect(handle.endpoint?.maxLength == 64)
        let long = String(repeating: "word ", count: 40)
        _ = try await engine.loglikelihood([LoglikelihoodRequest(context: long, continuation: " end")])
    }
}

/// What servers report about themselves, as vLLM, SGLang and llama.cpp's server answer.
@Suite struct ServerReportTests {
    func serve(_ routes: [String: Any]) async throws -> RouteServer {
        let bodies = try routes.map { path, body in (path, try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) }
        return try await RouteServer(routes: bodies.map { path, data in
            ("GET " + path, { @Sendable _ in
                FlyingFox.HTTPResponse(statusCode: .ok, headers: [HTTPHeader("Content-Type"): "application/json"], body: data)
            })
        })
    }

    @Test func vLLMAndSGLangReportTheContextPerModel() async throws {
        let server = try await serve(["/v1/models": ["data": [["id": "org/m", "owned_by": "vllm", "max_model_len": 8192]]],
                                      "/version": ["version": "0.8.5"]])
        defer { Task { await server.stop() } }
        let report = try await ServerReport.read(server.baseURL)
        let entry = try report.entry(serving: "org/m", model: "m", engine: "e", explicit: false)
        #expect(report.contextLength(of: entry) == ContextLength(tokens: 8192, source: "/v1/models max_model_len"))
        #expect(report.version == "0.8.5")
        #expect(report.identityVersion(of: entry) == "0.8.5")
    }

    @Test func sglangsVersionAndContextLengthComeFromServerInfo() async throws {
        let server = try await serve(["/v1/models": ["data": [["id": "org/m", "owned_by": "sglang"]]],
                                      "/get_server_info": ["version": "0.4.6", "context_length": 32768]])
        defer { Task { await server.stop() } }
        let report = try await ServerReport.read(server.baseURL)
        #expect(report.version == "0.4.6")
        #expect(report.contextLength(of: report.models[0]) == ContextLength(tokens: 32768, source: "/get_server_info context_length"))
    }

    @Test func llamaCppReportsItsSlotContextAndBuild() async throws {
        // /v1/models lists the training length only; /props gives the context each request gets.
        let server = try await serve(["/v1/models": ["data": [["id": "model.gguf", "owned_by": "llamacpp", "meta": ["n_ctx_train": 131072]]]],
                                      "/props": ["build_info": "b6000-abc1234", "default_generation_settings": ["n_ctx": 4096]]])
        defer { Task { await server.stop() } }
        let report = try await ServerReport.read(server.baseURL)
        #expect(report.version == "llama.cpp b6000-abc1234")
        #expect(report.contextLength(of: report.models[0]) == ContextLength(tokens: 4096, source: "/props default_generation_settings.n_ctx"))
        // A newer llama.cpp lists the context in meta.n_ctx.
        #expect(ServedModelEntry(json: try JSONValue.parse(Data(#"{"id":"x","meta":{"n_ctx":2048,"n_ctx_train":8192}}"#.utf8)))?.contextLength
                == ContextLength(tokens: 2048, source: "/v1/models meta.n_ctx"))
    }

    @Test func aServerWithoutVersionOrContextIsKeyedByWhatItOwns() async throws {
        let server = try await serve(["/v1/models": ["data": [["id": "alias", "owned_by": "me"]]]])
        defer { Task { await server.stop() } }
        let report = try await ServerReport.read(server.baseURL)
        #expect(report.version == nil && report.contextLength(of: report.models[0]) == nil)
        #expect(report.identityVersion(of: report.models[0]) == "unknown (owned_by me)")
        #expect(throws: ServedModelError.self) { try report.entry(serving: "org/m", model: "m", engine: "e", explicit: false) }
    }

    @Test func resolvingTheContextLength() throws {
        let reported = ContextLength(tokens: 4096, source: "/v1/models max_model_len")
        #expect(try ServerContext.resolve(reported: reported, configured: nil, engine: "e") == reported)
        #expect(try ServerContext.resolve(reported: reported, configured: 4096, engine: "e") == reported)
        #expect(try ServerContext.resolve(reported: nil, configured: 1000, engine: "e") == ContextLength(tokens: 1000, source: "experiment max_model_len"))
        #expect(try ServerContext.resolve(reported: nil, configured: nil, engine: "e") == .fallback)
        #expect(throws: ServedModelError.contextMismatch(engine: "e", reported: reported, configured: 2048)) {
            try ServerContext.resolve(reported: reported, configured: 2048, engine: "e")
        }
    }
}
