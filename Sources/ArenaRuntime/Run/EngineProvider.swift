import Foundation

/// A started engine for one (model, engine) pair, and how to stop it.
public struct EngineHandle: Sendable {
    public var engine: any LanguageModelEngine
    /// What the engine printed or reported while it ran (goes into the bundle's logs/).
    public var log: @Sendable () -> String
    /// Facts about the engine and hardware for environment.json (no timestamps, no secrets).
    public var environment: JSONValue
    public var stop: @Sendable () async -> Void

    public init(engine: any LanguageModelEngine, log: @escaping @Sendable () -> String = { "" }, environment: JSONValue = .object([:]),
                stop: @escaping @Sendable () async -> Void = {}) {
        self.engine = engine
        self.log = log
        self.environment = environment
        self.stop = stop
    }
}

public enum EngineProviderError: Error, CustomStringConvertible, Equatable {
    case modelFolderMissing(model: String, path: String)
    case unsupported(engine: String, reason: String)

    public var description: String {
        switch self {
        case let .modelFolderMissing(model, path): return "model '\(model)': no model folder at \(path)"
        case let .unsupported(engine, reason): return "engine '\(engine)': \(reason)"
        }
    }
}

/// Starts the engine a planned run asks for, with the model at its locked revision.
public protocol EngineProvider: Sendable {
    func start(model: ModelSpec, engine: EngineSpec, experimentDirectory: URL) async throws -> EngineHandle
}

/// The engines every installation has: the native CPU engine and any running OpenAI-compatible endpoint.
public struct StandardEngineProvider: EngineProvider {
    public var servers: (any EngineProvider)?

    public init(servers: (any EngineProvider)? = nil) {
        self.servers = servers
    }

    public func start(model: ModelSpec, engine: EngineSpec, experimentDirectory: URL) async throws -> EngineHandle {
        switch engine.kind {
        case .native:
            guard model.isLocalPath else {
                throw EngineProviderError.unsupported(engine: engine.key, reason: "the native engine reads a local model folder; '\(model.id)' is a Hub id")
            }
            let folder = resolvePath(model.id, against: experimentDirectory)
            guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("config.json").path) else {
                throw EngineProviderError.modelFolderMissing(model: model.key, path: folder.path)
            }
            let native = try NativeEngine(folder: folder, threads: engine.threads ?? ProcessInfo.processInfo.activeProcessorCount)
            return EngineHandle(engine: native, log: { "native engine \(NativeEngine.engineVersion) on \(folder.lastPathComponent)\n" },
                                environment: .object(["kind": .string("native"), "version": .string(native.identity.version)]))
        case .endpoint:
            guard let url = engine.url else { throw EngineProviderError.unsupported(engine: engine.key, reason: "endpoint needs url:") }
            let served = model.isLocalPath ? URL(fileURLWithPath: model.id).lastPathComponent : model.id
            let identity = EngineIdentity(kind: "endpoint", version: url, model: "\(model.id)@\(model.revision)")
            let client = OpenAICompletionsEngine(
                configuration: .init(baseURL: url, model: served, batchSize: engine.batchSize ?? 8, concurrency: engine.concurrency ?? 16),
                identity: identity)
            return EngineHandle(engine: client, environment: .object(["kind": .string("endpoint"), "url": .string(HTTPClient.redact(url))]))
        case .vllm, .sglang:
            guard let servers else {
                throw EngineProviderError.unsupported(engine: engine.key, reason: "\(engine.kind.rawValue) servers are not available in this build")
            }
            return try await servers.start(model: model, engine: engine, experimentDirectory: experimentDirectory)
        }
    }
}

extension StandardEngineProvider {
    /// The providers this build has, configured from the environment.
    public static func fromEnvironment(log: @escaping @Sendable (String) -> Void) -> StandardEngineProvider {
        StandardEngineProvider(servers: nil)
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
