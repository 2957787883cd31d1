import Foundation

/// A server's OpenAI-compatible API: where it answers and the model name requests carry.
public struct ServedEndpoint: Sendable, Equatable {
    /// Server root without `/v1` (`http://127.0.0.1:8000`).
    public var baseURL: String
    public var model: String
    /// The longest token sequence the server takes (`ServerContext.resolve`); nil when unknown.
    public var maxLength: Int?

    public init(baseURL: String, model: String, maxLength: Int? = nil) {
        self.baseURL = baseURL
        self.model = model
        self.maxLength = maxLength
    }
}

/// A started engine for one (model, engine) pair, and how to stop it.
public struct EngineHandle: Sendable {
    public var engine: any LanguageModelEngine
    /// The server behind a server or endpoint engine (what `harness: "lm-eval"` talks to); nil in-process.
    public var endpoint: ServedEndpoint?
    /// What the engine printed or reported while it ran (goes into the bundle's logs/).
    public var log: @Sendable () -> String
    /// Facts about the engine and hardware for environment.json (no timestamps, no secrets).
    public var environment: JSONValue
    public var stop: @Sendable () async -> Void

    public init(engine: any LanguageModelEngine, endpoint: ServedEndpoint? = nil, log: @escaping @Sendable () -> String = { "" },
                environment: JSONValue = .object([:]), stop: @escaping @Sendable () async -> Void = {}) {
        self.engine = engine
        self.endpoint = endpoint
        self.log = log
        self.environment = environment
        self.stop = stop
    }
}

public enum EngineProviderError: Error, CustomStringConvertible, Equatable {
    case unsupported(engine: String, reason: String)

    public var description: String {
        switch self {
        case let .unsupported(engine, reason): return "engine '\(engine)': \(reason)"
        }
    }
}

/// Starts the engine a planned run asks for, with the model at its locked revision.
public protocol EngineProvider: Sendable {
    /// `model` and `engine` come from the pinned plan: Hub revisions are commit SHAs and images
    /// carry their digests. The engine reports prompts done to `progress`, when given.
    func start(model: ModelSpec, engine: EngineSpec, seed: Int, experimentDirectory: URL, progress: ProgressReporter?) async throws -> EngineHandle
}

/// Every engine kind: the native CPU engine (local folders and Hub models at their locked commit),
/// running OpenAI-compatible endpoints, and vLLM/SGLang servers it starts itself. Server and
/// endpoint requests go through the request cache unless `cacheRoot` is nil.
public struct StandardEngineProvider: EngineProvider {
    public var hub: HubFilesStore
    public var cacheRoot: URL?
    public var allowHardwareMismatch: Bool
    /// Retries of server requests (`RetryPolicy.server`: up to 60 s of waiting per request).
    public var retry: RetryPolicy
    public var log: @Sendable (String) -> Void

    public init(hub: HubFilesStore = HubFilesStore(configuration: .fromEnvironment()), cacheRoot: URL? = RequestCache.defaultRoot(),
                allowHardwareMismatch: Bool = false, retry: RetryPolicy = .server, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.hub = hub
        self.cacheRoot = cacheRoot
        self.allowHardwareMismatch = allowHardwareMismatch
        self.retry = retry
        self.log = log
    }

    public func start(model: ModelSpec, engine: EngineSpec, seed: Int, experimentDirectory: URL,
                      progress: ProgressReporter? = nil) async throws -> EngineHandle {
        if model.isLocalPath {
            // What `check` asked of the local model for this engine kind, asked again before starting.
            try LocalModelCheck.require(resolvePath(model.id, against: experimentDirectory), needs: engine.kind.capabilities.localModel, model: model.key)
        }
        switch engine.kind {
        case .native:
            let folder = try modelFolder(model, experimentDirectory: experimentDirectory)
            let native = try NativeEngine.load(folder, threads: engine.threads ?? ProcessInfo.processInfo.activeProcessorCount)
            let reported: any LanguageModelEngine = progress.map { ProgressReportingEngine(inner: native, progress: $0) } ?? native
            var facts: [String: JSONValue] = ["kind": .string("native"), "version": .string(native.identity.version),
                                              "cpu": HardwareProbe.capture().json]
            if let gguf = native.gguf {
                facts["gguf"] = .object(["architecture": .string(gguf.architecture), "quantization": gguf.quantization.map(JSONValue.string) ?? .null,
                                         "tensor_types": .array(gguf.tensorTypeList.map(JSONValue.string))])
            }
            return EngineHandle(engine: reported, log: { "native engine \(native.identity.version) on \(model.id)\n" },
                                environment: .object(facts))
        case .endpoint:
            return try await startEndpoint(model: model, engine: engine, seed: seed, experimentDirectory: experimentDirectory, progress: progress)
        case .vllm, .sglang:
            // One grace period, read once, for a normal stop and for Ctrl-C; a bad value stops the run here.
            let grace = try ServerStopGrace.fromEnvironment()
            ServerInterruptHandler.install(grace: grace)
            let logs = FileManager.default.temporaryDirectory.appendingPathComponent("arena-server-logs-\(UUID().uuidString)")
            let session = ServerSession(engine: Self.commandResolved(engine, against: experimentDirectory), options: ServerSessionOptions(
                logDirectory: logs, cacheRoot: cacheRoot, stopGrace: grace, retry: try ServerRetryBudget.apply(to: retry),
                allowHardwareMismatch: allowHardwareMismatch, log: log))
            let pins = ServerLaunchPins(modelCommit: model.revision, imageDigest: engine.image.flatMap(Self.digest))
            var tokenizer: OpenAICompletionsEngine.TokenizerSource?
            if engine.kind == .sglang {
                // SGLang has no /tokenize: the model's own tokenizer.json at the locked commit.
                let local = try Tokenizer(folder: try modelFolder(model, experimentDirectory: experimentDirectory))
                tokenizer = .local(encode: { local.encode($0, addSpecialTokens: false) }, decode: { local.decode($0) })
            }
            // A local model folder is named to the server by its absolute path (the server's working
            // folder is not the experiment's).
            var launched = model
            if model.isLocalPath { launched.id = resolvePath(model.id, against: experimentDirectory).path }
            let names = ServerEngines.cacheNames(model: model, resolvedPath: model.isLocalPath ? launched.id : nil,
                                                 served: launched.servedName ?? launched.id)
            let (served, server) = try await session.startEngine(model: launched, pins: pins, seed: seed, tokenizer: tokenizer, names: names,
                                                                 progress: progress)
            var facts: [String: JSONValue] = ["kind": .string(engine.kind.rawValue), "version": .string(server.version),
                                              "served_models": .array(server.servedModels.map { .string($0) }),
                                              "served_model": .string(server.command.servedModel), "max_length": server.maxLength.json,
                                              "command": .string(server.command.display)]
            if let hardware = server.hardware { facts["hardware"] = hardware.json }
            let logURL = server.logURL
            return EngineHandle(engine: served, endpoint: ServedEndpoint(baseURL: server.baseURL, model: server.command.servedModel,
                                                                         maxLength: server.maxLength.tokens),
                                log: { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" },
                                environment: .object(facts), stop: { session.stop() })
        }
    }

    /// An `endpoint(url:)`: what the server serves is read first (`ServerReport`); it must list the
    /// model (its `served_name:`, else its Hub id or the local folder's absolute path), and its
    /// context length sets the longest sequence sent.
    func startEndpoint(model: ModelSpec, engine: EngineSpec, seed: Int, experimentDirectory: URL,
                       progress: ProgressReporter?) async throws -> EngineHandle {
        guard let url = engine.url else { throw EngineProviderError.unsupported(engine: engine.key, reason: "endpoint needs url:") }
        let retry = try ServerRetryBudget.apply(to: retry)
        let report = try await ServerReport.read(url, retry: retry, log: log)
        let localPath = model.isLocalPath ? resolvePath(model.id, against: experimentDirectory).path : nil
        let expected = model.servedName ?? localPath ?? model.id
        let entry = try report.entry(serving: expected, model: model.key, engine: engine.key, explicit: model.servedName != nil)
        let maxLength = try ServerContext.resolve(reported: report.contextLength(of: entry), configured: engine.maxModelLength, engine: engine.key)
        if maxLength == .fallback {
            log("warning: engine '\(engine.key)': \(HTTPClient.redact(url)) reports no context length; prompts are cut to \(maxLength.tokens) tokens (set max_model_len: on the endpoint to the server's)")
        }
        if report.version == nil {
            log("warning: engine '\(engine.key)': \(HTTPClient.redact(url)) reports no version; its cached answers are kept under '\(report.identityVersion(of: entry))' (clear them with `arena-script cache clear --model \(model.key)` after changing the server)")
        }
        let identity = EngineIdentity(kind: "endpoint", version: report.identityVersion(of: entry), model: "\(model.id)@\(model.revision)")
        let names = ServerEngines.cacheNames(model: model, resolvedPath: localPath, served: expected)
        let multi = CurlMultiClient(maxInFlight: engine.concurrency ?? CurlMultiClient.defaultMaxInFlight, retry: retry, log: log)
        let client = OpenAIServerClient(baseURL: report.baseURL, multi: multi,
                                        cache: try ServerEngines.cache(root: cacheRoot, identity: identity, names: names))
        let completions = ServerEngines.completionsEngine(client: client, identity: identity, servedModel: expected, engine: engine,
                                                          seed: seed, maxLength: maxLength, progress: progress)
        let facts = ExperimentRunner.merging(report.json, ["served_model": .string(expected), "max_length": maxLength.json])
        return EngineHandle(engine: completions, endpoint: ServedEndpoint(baseURL: report.baseURL, model: expected, maxLength: maxLength.tokens),
                            log: { "endpoint \(HTTPClient.redact(url)) serving \(report.modelIDs.joined(separator: ", "))\n" },
                            environment: facts)
    }

    /// A local model folder or file, or the Hub model (its folder, or its `file:`) at its locked
    /// commit through the verified cache.
    func modelFolder(_ model: ModelSpec, experimentDirectory: URL) throws -> URL {
        if model.isLocalPath { return resolvePath(model.id, against: experimentDirectory) }
        if let file = model.file {
            return try HubModelSnapshot.file(id: model.id, commit: model.revision, file: file, sha256: model.fileSHA256, store: hub)
        }
        return try HubModelSnapshot.folder(id: model.id, commit: model.revision, store: hub).folder
    }

    /// A `command:` whose program is a relative path (`../.venv/bin/vllm serve`) names it from the
    /// experiment's folder, like every other path in an experiment; a bare name is looked up on PATH.
    static func commandResolved(_ engine: EngineSpec, against directory: URL) -> EngineSpec {
        guard let command = engine.command else { return engine }
        let words = command.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard let program = words.first, program.contains("/"), !program.hasPrefix("/") else { return engine }
        var resolved = engine
        resolved.command = ([resolvePath(String(program), against: directory).path] + words.dropFirst().map(String.init)).joined(separator: " ")
        return resolved
    }

    /// `sha256:...` from `registry/repository@sha256:...`.
    static func digest(_ image: String) -> String? {
        image.range(of: "@").map { String(image[$0.upperBound...]) }
    }
}

extension StandardEngineProvider {
    /// The providers this build has, configured from the environment.
    public static func fromEnvironment(offline: Bool = false, noCache: Bool = false, allowHardwareMismatch: Bool = false,
                                       retry: RetryPolicy = .server,
                                       log: @escaping @Sendable (String) -> Void) -> StandardEngineProvider {
        var configuration = HubFilesConfiguration.fromEnvironment()
        configuration.offline = configuration.offline || offline
        return StandardEngineProvider(hub: HubFilesStore(configuration: configuration), cacheRoot: noCache ? nil : RequestCache.defaultRoot(),
                                      allowHardwareMismatch: allowHardwareMismatch, retry: retry, log: log)
    }
}

extension DatasetLoader {
    /// The environment's Hub settings and cache, offline when asked here or by `ARENA_OFFLINE`.
    public static func fromEnvironment(offline: Bool) -> DatasetLoader {
        var configuration = HubFilesConfiguration.fromEnvironment()
        configuration.offline = configuration.offline || offline
        return DatasetLoader(hub: HubFilesStore(configuration: configuration))
    }
}

/// `path` as written in an experiment or lockfile: absolute as it is, else below `base` (a folder,
/// whatever its URL's trailing slash).
func resolvePath(_ path: String, against base: URL) -> URL {
    (path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path)).standardizedFileURL
}
