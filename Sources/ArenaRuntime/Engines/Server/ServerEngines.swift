import Foundation

/// How the run pipeline gets a `LanguageModelEngine` for a server: a started vLLM/SGLang server
/// (through `ServerSession`) or a running endpoint.
public enum ServerEngines {
    /// The engine over a server: requests through the multi client and the request cache.
    /// vLLM and endpoints tokenize through `/tokenize`; pass `tokenizer: .local(...)` for SGLang
    /// (the model's tokenizer.json at the locked revision).
    public static func completionsEngine(client: OpenAIServerClient, identity: EngineIdentity, servedModel: String,
                                         engine: EngineSpec, seed: Int, tokenizer: OpenAICompletionsEngine.TokenizerSource = .remote,
                                         maxLength: ContextLength, progress: ProgressReporter? = nil) -> OpenAICompletionsEngine {
        let configuration = OpenAICompletionsEngine.Configuration(
            baseURL: client.baseURL, model: servedModel, batchSize: engine.batchSize ?? 8,
            concurrency: engine.concurrency ?? CurlMultiClient.defaultMaxInFlight,
            maxLength: maxLength.tokens, seed: seed, timeout: client.requestTimeout)
        return OpenAICompletionsEngine(configuration: configuration, identity: identity, tokenizer: tokenizer,
                                       client: client, progress: progress)
    }

    /// A request cache for `identity`, or nil when `root` is nil (`--no-cache`). `names` are what
    /// `cache info` shows and `cache clear --model` accepts for it (binding name, id as written...).
    public static func cache(root: URL?, identity: EngineIdentity, names: [String] = []) throws -> RequestCache? {
        try root.map { try RequestCache(root: $0, scope: scope(identity: identity, names: names)) }
    }

    /// The cache scope of an engine: the model at what pins it (`id@<commit>` for a Hub model,
    /// `path@sha256:<content hash>` for a local folder or file) and the engine's identity (kind,
    /// image digest, server version).
    public static func scope(identity: EngineIdentity, names: [String] = []) -> RequestCacheScope {
        RequestCacheScope(model: identity.model, engine: "\(identity.kind) \(identity.version)", names: names)
    }

    /// The names a user may write for a model: its binding name, its id as written, the path a
    /// local one resolves to, the name the server serves it under.
    public static func cacheNames(model: ModelSpec, resolvedPath: String?, served: String) -> [String] {
        var names = [model.key, model.id]
        if let resolvedPath { names.append(resolvedPath) }
        names.append(served)
        return names
    }
}

extension ServerSession {
    /// Starts the server for `model` and returns an engine over it whose failures name the server's
    /// exit status and log tail when it died. Call `stop()` when the model's tasks are done.
    public func startEngine(model: ModelSpec, pins: ServerLaunchPins, seed: Int,
                            tokenizer: OpenAICompletionsEngine.TokenizerSource? = nil, names: [String] = [],
                            progress: ProgressReporter? = nil) async throws -> (engine: any LanguageModelEngine, server: RunningServer) {
        if engine.kind == .sglang, tokenizer == nil {
            // SGLang has no /tokenize: loglikelihoods need the model's own tokenizer.
            throw ServerStartError.tokenizerRequired(engine: engine.key)
        }
        let server = try await start(model: model, pins: pins, seed: seed, names: names)
        let source = tokenizer ?? .remote
        let inner = ServerEngines.completionsEngine(client: server.client, identity: server.identity, servedModel: server.command.servedModel,
                                                    engine: engine, seed: seed, tokenizer: source, maxLength: server.maxLength, progress: progress)
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

/// `ARENA_RETRY_BUDGET`: seconds one server request may spend waiting between its retries
/// (default 60, `RetryPolicy.server`).
public enum ServerRetryBudget {
    public static let environmentVariable = "ARENA_RETRY_BUDGET"

    /// `policy` with the variable's budget when it is set; a value that is not a number >= 0 is an error.
    public static func apply(to policy: RetryPolicy, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> RetryPolicy {
        guard let text = environment[environmentVariable]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return policy }
        guard let seconds = Double(text), seconds.isFinite, seconds >= 0 else { throw ServerRetryBudgetError(value: text) }
        var changed = policy
        changed.budget = seconds
        changed.maxAttempts = .max
        return changed
    }
}

public struct ServerRetryBudgetError: Error, CustomStringConvertible, Equatable {
    public let value: String
    public var description: String { "\(ServerRetryBudget.environmentVariable)='\(value)' is not a number of seconds >= 0" }
}
