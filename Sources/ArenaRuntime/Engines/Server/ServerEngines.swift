import Foundation

/// What an `endpoint(url:)` server reports about itself: recorded in the bundle and the cache key.
public struct EndpointDescription: Sendable, Equatable {
    public var baseURL: String
    /// Model ids from /v1/models.
    public var models: [String]
    /// /version (vLLM) or /get_server_info's version (SGLang); nil when the server has neither.
    public var version: String?

    public var json: JSONValue {
        var fields: [String: JSONValue] = ["url": .string(HTTPClient.redact(baseURL)), "models": .array(models.map { .string($0) })]
        if let version { fields["version"] = .string(version) }
        return .object(fields)
    }
}

/// How the run pipeline gets a `LanguageModelEngine` for a server: a started vLLM/SGLang server
/// (through `ServerSession`) or a running endpoint.
public enum ServerEngines {
    /// Asks a running OpenAI-compatible server what it serves and which version it is.
    public static func describeEndpoint(_ url: String, timeout: Double = 10) async throws -> EndpointDescription {
        var base = url.hasSuffix("/") ? String(url.dropLast()) : url
        if base.hasSuffix("/v1") { base = String(base.dropLast(3)) }
        let probe = HTTPClient(retry: RetryPolicy(maxAttempts: 3, baseDelay: 0.5, maxDelay: 2), connectTimeout: 5)
        let models = try await probe.send(HTTPRequest(url: base + "/v1/models", timeout: timeout)).requireSuccess().json()
        let ids = (models["data"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
        var version: String?
        for path in ["/version", "/get_server_info"] {
            if let response = try? await HTTPClient(retry: .none).send(HTTPRequest(url: base + path, timeout: timeout)),
               response.status == 200, let v = (try? response.json())?["version"]?.stringValue {
                version = v
                break
            }
        }
        return EndpointDescription(baseURL: base, models: ids, version: version)
    }

    /// The engine over a server: requests through the multi client and the request cache.
    /// vLLM and endpoints tokenize through `/tokenize`; pass `tokenizer: .local(...)` for SGLang
    /// (the model's tokenizer.json at the locked revision).
    public static func completionsEngine(client: OpenAIServerClient, identity: EngineIdentity, servedModel: String,
                                         engine: EngineSpec, seed: Int, tokenizer: OpenAICompletionsEngine.TokenizerSource = .remote,
                                         maxLength: Int? = nil, progress: ProgressReporter? = nil) -> OpenAICompletionsEngine {
        let configuration = OpenAICompletionsEngine.Configuration(
            baseURL: client.baseURL, model: servedModel, batchSize: engine.batchSize ?? 8,
            concurrency: engine.concurrency ?? CurlMultiClient.defaultMaxInFlight,
            maxLength: maxLength ?? engine.maxModelLength ?? 2048, seed: seed, timeout: client.requestTimeout)
        return OpenAICompletionsEngine(configuration: configuration, identity: identity, tokenizer: tokenizer,
                                       client: client, progress: progress)
    }

    /// A request cache for `identity`, or nil when `root` is nil (`--no-cache`).
    public static func cache(root: URL?, identity: EngineIdentity) throws -> RequestCache? {
        try root.map { try RequestCache(root: $0, scope: RequestCacheScope(model: identity.model, engine: "\(identity.kind) \(identity.version)")) }
    }
}

extension ServerSession {
    /// Starts the server for `model` and returns an engine over it whose failures name the server's
    /// exit status and log tail when it died. Call `stop()` when the model's tasks are done.
    public func startEngine(model: ModelSpec, pins: ServerLaunchPins, seed: Int,
                            tokenizer: OpenAICompletionsEngine.TokenizerSource? = nil,
                            progress: ProgressReporter? = nil) async throws -> (engine: any LanguageModelEngine, server: RunningServer) {
        if engine.kind == .sglang, tokenizer == nil {
            // SGLang has no /tokenize: loglikelihoods need the model's own tokenizer.
            throw ServerStartError.tokenizerRequired(engine: engine.key)
        }
        let server = try await start(model: model, pins: pins, seed: seed)
        let source = tokenizer ?? .remote
        let inner = ServerEngines.completionsEngine(client: server.client, identity: server.identity, servedModel: server.command.servedModel,
                                                    engine: engine, seed: seed, tokenizer: source, progress: progress)
        return (SessionEngine(inner: inner, session: self), server)
    }
}

/// An engine whose errors are explained by its server session (exit status and log tail).
struct SessionEngine: LanguageModelEngine {
    let inner: any LanguageModelEngine
    let session: ServerSession

    var identity: EngineIdentity { inner.identity }
    var contextWindow: ContextWindow { inner.contextWindow }

    private func explained<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch { throw session.explain(error) }
    }

    func tokenize(_ text: String) async throws -> [Int] { try await explained { try await inner.tokenize(text) } }
    func detokenize(_ tokens: [Int]) async throws -> String { try await explained { try await inner.detokenize(tokens) } }
    func loglikelihood(_ requests: [LoglikelihoodRequest]) async throws -> [LoglikelihoodResult] {
        try await explained { try await inner.loglikelihood(requests) }
    }
    func generate(_ requests: [GenerationRequest]) async throws -> [GenerationResult] {
        try await explained { try await inner.generate(requests) }
    }
}
