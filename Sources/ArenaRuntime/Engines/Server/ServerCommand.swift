import Foundation

/// What the lockfile pins for starting a server.
public struct ServerLaunchPins: Sendable, Equatable, Hashable {
    /// The model's commit SHA (or a local folder's content hash).
    public var modelCommit: String
    /// The engine image's manifest digest (`sha256:...`); required when the engine names an image.
    public var imageDigest: String?

    public init(modelCommit: String, imageDigest: String? = nil) {
        self.modelCommit = modelCommit
        self.imageDigest = imageDigest
    }
}

/// The exact command that starts a server, and where it answers.
public struct ServerCommand: Sendable, Equatable {
    public var executable: String
    public var arguments: [String]
    /// Set when the server runs in a container (`docker stop`/`rm -f` by this name).
    public var containerName: String?
    /// Port on 127.0.0.1.
    public var port: Int
    /// The model name the server answers to (`model` field of requests).
    public var servedModel: String

    /// The command line as text. It never holds a secret: tokens pass by environment NAME only.
    public var display: String { ([executable] + arguments).joined(separator: " ") }
}

public enum ServerCommandError: Error, CustomStringConvertible, Equatable {
    case unsupportedEngine(engine: String, kind: String)
    case imageNotPinned(engine: String, image: String)
    case unknownPrecision(engine: String, precision: String)
    case emptyCommand(engine: String)

    public var description: String {
        switch self {
        case let .unsupportedEngine(engine, kind): return "engine '\(engine)': a '\(kind)' engine does not start a server"
        case let .imageNotPinned(engine, image):
            return "engine '\(engine)': image '\(image)' has no pinned digest; run 'arena-script lock' first"
        case let .unknownPrecision(engine, precision):
            return "engine '\(engine)': precision '\(precision)' is not one of \(EngineCapabilities.serverPrecisions.map(\.name).joined(separator: ", "))"
        case let .emptyCommand(engine): return "engine '\(engine)': command is empty"
        }
    }
}

/// Builds the `docker run` or local command line for a vLLM or SGLang server from the engine spec.
public enum ServerCommandBuilder {
    /// The port servers listen on inside a container.
    public static let containerPort = 8000

    public static func build(engine: EngineSpec, model: ModelSpec, pins: ServerLaunchPins, seed: Int, port: Int,
                             containerName: String, hfCache: URL,
                             environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ServerCommand {
        guard engine.kind.startsServer else {
            throw ServerCommandError.unsupportedEngine(engine: engine.key, kind: engine.kind.rawValue)
        }
        if let image = engine.image {
            let reference = try pinnedImage(image, digest: pins.imageDigest, engine: engine.key)
            var args = ["run", "--rm", "--name", containerName, "--shm-size", "16g",
                        "-p", "127.0.0.1:\(port):\(containerPort)",
                        "-v", "\(hfCache.path):/root/.cache/huggingface"]
            args += gpuFlags(engine)
            var modelPath = model.id
            if model.isLocalPath {
                args += ["-v", "\(model.id):/model:ro"]
                modelPath = "/model"
            }
            // Secrets pass by NAME: docker copies the value from its own environment.
            for name in ["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"] where environment[name] != nil {
                args += ["-e", name]
            }
            if let endpoint = environment["HF_ENDPOINT"], !endpoint.isEmpty { args += ["-e", "HF_ENDPOINT"] }
            args.append(reference)
            if engine.kind == .sglang { args += ["python3", "-m", "sglang.launch_server"] }
            args += try serverArguments(engine: engine, model: model, modelPath: modelPath, pins: pins, seed: seed,
                                        host: "0.0.0.0", port: containerPort, positionalModel: false)
            return ServerCommand(executable: "docker", arguments: args, containerName: containerName, port: port, servedModel: model.servedName ?? model.id)
        }
        var words: [String]
        if let command = engine.command {
            words = command.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard !words.isEmpty else { throw ServerCommandError.emptyCommand(engine: engine.key) }
        } else {
            words = engine.kind == .vllm ? ["vllm", "serve"] : ["python3", "-m", "sglang.launch_server"]
        }
        let executable = words.removeFirst()
        let args = words + (try serverArguments(engine: engine, model: model, modelPath: model.id, pins: pins, seed: seed,
                                                host: "127.0.0.1", port: port, positionalModel: engine.kind == .vllm))
        return ServerCommand(executable: executable, arguments: args, containerName: nil, port: port, servedModel: model.servedName ?? model.id)
    }

    /// `repo@sha256:...` from a tag reference and the pinned digest.
    static func pinnedImage(_ image: String, digest: String?, engine: String) throws -> String {
        if image.contains("@sha256:") { return image }
        guard let digest, digest.hasPrefix("sha256:") else { throw ServerCommandError.imageNotPinned(engine: engine, image: image) }
        var repository = image
        let lastSlash = image.lastIndex(of: "/") ?? image.startIndex
        if let colon = image[lastSlash...].lastIndex(of: ":") { repository = String(image[..<colon]) }
        return "\(repository)@\(digest)"
    }

    /// NVIDIA (`--gpus N`) or ROCm (device nodes) flags for the GPUs the engine asks for.
    static func gpuFlags(_ engine: EngineSpec) -> [String] {
        let count = max(engine.gpuCount, engine.tensorParallel)
        guard count > 0, engine.gpu?.lowercased() != "cpu" else { return [] }
        if HardwareRequirement.isAMD(engine.gpu) {
            return ["--device", "/dev/kfd", "--device", "/dev/dri", "--group-add", "video", "--security-opt", "seccomp=unconfined"]
        }
        return ["--gpus", String(count)]
    }

    static func serverArguments(engine: EngineSpec, model: ModelSpec, modelPath: String, pins: ServerLaunchPins, seed: Int,
                                host: String, port: Int, positionalModel: Bool) throws -> [String] {
        let vllm = engine.kind == .vllm
        var args: [String] = []
        if positionalModel { args.append(modelPath) } else { args += [vllm ? "--model" : "--model-path", modelPath] }
        if !model.isLocalPath {
            args += ["--revision", pins.modelCommit]
            if vllm { args += ["--tokenizer-revision", pins.modelCommit] }
        }
        args += ["--served-model-name", model.servedName ?? model.id, "--host", host, "--port", String(port)]
        args += [vllm ? "--tensor-parallel-size" : "--tp", String(max(1, engine.tensorParallel))]
        if let precision = engine.precision { args += try precisionArguments(precision, engine: engine) }
        if let length = engine.maxModelLength { args += [vllm ? "--max-model-len" : "--context-length", String(length)] }
        args += [vllm ? "--seed" : "--random-seed", String(seed)]
        if let fraction = engine.gpuMemoryFraction {
            args += [vllm ? "--gpu-memory-utilization" : "--mem-fraction-static", PythonFloat.repr(fraction)]
        }
        return args + engine.extraArgs
    }

    /// The server arguments of a precision, from the engine kind's capabilities (what `check` accepts).
    static func precisionArguments(_ precision: String, engine: EngineSpec) throws -> [String] {
        guard let known = engine.kind.capabilities.precision(named: precision) else {
            throw ServerCommandError.unknownPrecision(engine: engine.key, precision: precision)
        }
        return known.serverArguments
    }
}
