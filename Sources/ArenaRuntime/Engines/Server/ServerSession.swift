import Foundation

public struct ServerSessionOptions: Sendable {
    /// Where server logs go (`<engine>-<model>.log`).
    public var logDirectory: URL
    /// Request cache root; nil turns the cache off (`--no-cache`).
    public var cacheRoot: URL?
    /// Mounted into containers as the Hugging Face cache.
    public var huggingFaceCache: URL
    /// How long a server may take to answer /health and /v1/models.
    public var startupTimeout: Double
    /// SIGTERM (or `docker stop`) grace period before SIGKILL.
    public var stopGrace: Double
    public var requestTimeout: Double
    public var retry: RetryPolicy
    /// Run even when the GPUs found contradict the engine's pinned hardware.
    public var allowHardwareMismatch: Bool
    /// Added to the environment of the server and of the tools (docker, nvidia-smi).
    public var environment: [String: String]
    public var pollInterval: Double
    public var log: (@Sendable (String) -> Void)?

    public init(logDirectory: URL, cacheRoot: URL? = RequestCache.defaultRoot(), huggingFaceCache: URL? = nil,
                startupTimeout: Double = 1800, stopGrace: Double = 30, requestTimeout: Double = 600,
                retry: RetryPolicy = .server,
                allowHardwareMismatch: Bool = false, environment: [String: String] = [:], pollInterval: Double = 0.5,
                log: (@Sendable (String) -> Void)? = nil) {
        self.logDirectory = logDirectory
        self.cacheRoot = cacheRoot
        let env = ProcessInfo.processInfo.environment
        self.huggingFaceCache = huggingFaceCache
            ?? URL(fileURLWithPath: env["HF_HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/huggingface").path)
        self.startupTimeout = startupTimeout
        self.stopGrace = stopGrace
        self.requestTimeout = requestTimeout
        self.retry = retry
        self.allowHardwareMismatch = allowHardwareMismatch
        self.environment = environment
        self.pollInterval = pollInterval
        self.log = log
    }
}

/// A started server: where it answers and what it reported about itself.
public struct RunningServer: Sendable {
    public let command: ServerCommand
    public let baseURL: String
    /// What /version reported (or the image digest when the server has no version route).
    public let version: String
    /// Model ids /v1/models lists.
    public let servedModels: [String]
    /// What the server reported about itself once it served the model.
    public let report: ServerReport
    /// The longest token sequence the run sends (`ServerContext.resolve`).
    public let maxLength: ContextLength
    public let identity: EngineIdentity
    public let client: OpenAIServerClient
    public let logURL: URL
    public let hardware: HardwareReport?
    /// The server's (or docker client's) process id, leader of its own process group.
    public let processID: Int32
}

public enum ServerStartError: Error, CustomStringConvertible {
    case exited(engine: String, status: Int32, logTail: String)
    case timedOut(engine: String, seconds: Double, logTail: String)
    case modelNotServed(engine: String, model: String, served: [String])
    case exitedDuringRun(engine: String, status: Int32, logTail: String, underlying: String)
    case tokenizerRequired(engine: String)

    public var description: String {
        switch self {
        case let .exited(engine, status, tail):
            return "engine '\(engine)': the server exited with status \(status) while starting; its log ends with:\n\(tail)"
        case let .timedOut(engine, seconds, tail):
            return "engine '\(engine)': the server did not answer /health within \(PythonFloat.repr(seconds)) s; its log ends with:\n\(tail)"
        case let .modelNotServed(engine, model, served):
            return "engine '\(engine)': the server serves \(served) but not '\(model)'"
        case let .exitedDuringRun(engine, status, tail, underlying):
            return "engine '\(engine)': the server exited with status \(status) during the run (\(underlying)); its log ends with:\n\(tail)"
        case let .tokenizerRequired(engine):
            return "engine '\(engine)': SGLang has no /tokenize endpoint; the model's tokenizer.json at the locked revision is needed"
        }
    }
}

/// Starts and stops one vLLM or SGLang server per (model, engine). The run pipeline calls
/// `start` for a model, runs all that model's tasks against the returned server, then `stop`.
/// `stop` also runs on error paths; Ctrl-C is handled by `ServerInterruptHandler`.
public final class ServerSession: @unchecked Sendable {
    public let engine: EngineSpec
    public let options: ServerSessionOptions
    private let lock = NSLock()
    private var process: ServerProcess?
    private var command: ServerCommand?

    public init(engine: EngineSpec, options: ServerSessionOptions) {
        self.engine = engine
        self.options = options
    }

    private var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        for (k, v) in options.environment { env[k] = v }
        return env
    }

    /// Checks the hardware, starts the server, waits until it serves the model, and records its
    /// version and context length. `names` are the model's names for the request cache
    /// (`cache clear --model`).
    public func start(model: ModelSpec, pins: ServerLaunchPins, seed: Int, port: Int? = nil, names: [String] = []) async throws -> RunningServer {
        stop()
        let env = environment
        var hardware: HardwareReport?
        if engine.gpu != nil {
            let report = HardwareProbe.capture(environment: env)
            hardware = report
            if let reason = HardwareRequirement(engine: engine).mismatch(with: report) {
                guard options.allowHardwareMismatch else { throw HardwareMismatchError.mismatch(engine: engine.key, reason: reason) }
                options.log?("warning: engine '\(engine.key)': \(reason); running anyway (--allow-hardware-mismatch)")
            }
        }
        let chosenPort = try port ?? LoopbackPort.free()
        let name = "arena-\(engine.key)-\(ProcessInfo.processInfo.processIdentifier)-\(chosenPort)"
        let command = try ServerCommandBuilder.build(engine: engine, model: model, pins: pins, seed: seed, port: chosenPort,
                                                     containerName: name, hfCache: options.huggingFaceCache, environment: env)
        let safeModel = model.id.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "_" }
        let logURL = options.logDirectory.appendingPathComponent("\(engine.key)-\(String(safeModel)).log")
        options.log?("starting \(engine.kind.rawValue) server for \(model.id): \(command.display)")
        let process = try ServerProcess(executable: command.executable, arguments: command.arguments,
                                        environment: options.environment, logURL: logURL)
        // On Ctrl-C the process registry stops the server, and its container by the `--name` of `docker run`.
        lock.withLock {
            self.process = process
            self.command = command
        }
        do {
            let baseURL = "http://127.0.0.1:\(chosenPort)"
            let served = try await waitUntilServing(process: process, baseURL: baseURL, model: command.servedModel)
            let report = try await ServerReport.read(baseURL)
            let entry = try report.entry(serving: command.servedModel, model: model.key, engine: engine.key, explicit: model.servedName != nil)
            let maxLength = try ServerContext.resolve(reported: report.contextLength(of: entry), configured: engine.maxModelLength, engine: engine.key)
            let version = report.version ?? pins.imageDigest ?? "unknown"
            let engineVersion = [engine.image.map { _ in pins.imageDigest ?? "" } ?? "", version].filter { !$0.isEmpty }.joined(separator: " ")
            let identity = EngineIdentity(kind: engine.kind.rawValue, version: engineVersion, model: "\(model.id)@\(pins.modelCommit)")
            let cache = try ServerEngines.cache(root: options.cacheRoot, identity: identity, names: names + [model.id, command.servedModel])
            // A server whose process has exited is not waited for: its failures are final.
            let multi = CurlMultiClient(maxInFlight: engine.concurrency ?? CurlMultiClient.defaultMaxInFlight, retry: options.retry,
                                        log: options.log, stopRetrying: { [weak process] in process.map { $0.exitCode != nil } ?? true })
            let client = OpenAIServerClient(baseURL: baseURL, multi: multi, cache: cache, requestTimeout: options.requestTimeout)
            options.log?("\(engine.kind.rawValue) \(version) serving \(served.joined(separator: ", ")) at \(baseURL); context \(maxLength.tokens) tokens (\(maxLength.source))")
            return RunningServer(command: command, baseURL: baseURL, version: version, servedModels: served, report: report, maxLength: maxLength,
                                 identity: identity, client: client, logURL: logURL, hardware: hardware, processID: process.pid)
        } catch {
            stop()
            throw error
        }
    }

    /// Polls /health, then /v1/models, until the model is served, the process exits, or the deadline passes.
    private func waitUntilServing(process: ServerProcess, baseURL: String, model: String) async throws -> [String] {
        let probe = HTTPClient(retry: .none, connectTimeout: 2)
        let deadline = Date().addingTimeInterval(options.startupTimeout)
        while true {
            if let status = process.exitCode {
                throw ServerStartError.exited(engine: engine.key, status: status, logTail: process.logTail())
            }
            if Date() >= deadline {
                throw ServerStartError.timedOut(engine: engine.key, seconds: options.startupTimeout, logTail: process.logTail())
            }
            if let health = try? await probe.send(HTTPRequest(url: baseURL + "/health", timeout: 5)), health.status == 200,
               let models = try? await probe.send(HTTPRequest(url: baseURL + "/v1/models", timeout: 5)), models.status == 200 {
                let ids = ((try? models.json())?["data"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
                guard ids.contains(model) else { throw ServerStartError.modelNotServed(engine: engine.key, model: model, served: ids) }
                return ids
            }
            try await Task.sleep(nanoseconds: UInt64(options.pollInterval * 1e9))
        }
    }

    /// Explains a request failure: when the server has exited, the error names its status and log tail.
    public func explain(_ error: Error) -> Error {
        guard let process = lock.withLock({ self.process }), let status = process.exitCode else { return error }
        return ServerStartError.exitedDuringRun(engine: engine.key, status: status, logTail: process.logTail(), underlying: "\(error)")
    }

    /// Stops the server: `docker stop` then `docker rm -f` for a container; SIGTERM, the grace period,
    /// then SIGKILL to the process group. Safe to call more than once.
    public func stop() {
        let (process, command) = lock.withLock { () -> (ServerProcess?, ServerCommand?) in
            defer { self.process = nil; self.command = nil }
            return (self.process, self.command)
        }
        guard let process else { return }
        let env = environment
        if let container = command?.containerName {
            let grace = Int(options.stopGrace.rounded(.up))
            _ = ToolRunner.run("docker", ["stop", "--time", String(grace), container], environment: env, timeout: options.stopGrace + 30)
            _ = ToolRunner.run("docker", ["rm", "-f", container], environment: env, timeout: 30)
        }
        if process.stop(grace: options.stopGrace) {
            options.log?("engine '\(engine.key)': the server ignored SIGTERM for \(PythonFloat.repr(options.stopGrace)) s and was killed")
        }
    }

    deinit { stop() }
}

/// A TCP port on 127.0.0.1 that was free a moment ago.
public enum LoopbackPort {
    public static func free() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ServerProcessError.spawnFailed(executable: "socket", message: String(cString: strerror(errno))) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard ok else { throw ServerProcessError.spawnFailed(executable: "socket", message: "no free loopback port: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
