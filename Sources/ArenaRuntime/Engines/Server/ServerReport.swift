import Foundation

/// One model a server lists in `/v1/models`.
public struct ServedModelEntry: Sendable, Equatable {
    public var id: String
    /// The context length the entry reports: `max_model_len` (vLLM, SGLang, `arena-script serve`)
    /// or `meta.n_ctx` (llama.cpp's server; its `meta.n_ctx_train` is the training length, not the limit).
    public var contextLength: ContextLength?
    /// `owned_by` (`vllm`, `sglang`, `llamacpp`, ...).
    public var ownedBy: String?

    public init(id: String, contextLength: ContextLength? = nil, ownedBy: String? = nil) {
        self.id = id
        self.contextLength = contextLength
        self.ownedBy = ownedBy
    }

    init?(json: JSONValue) {
        guard let id = json["id"]?.stringValue else { return nil }
        self.id = id
        ownedBy = json["owned_by"]?.stringValue
        if let tokens = json["max_model_len"]?.intValue, tokens > 0 {
            contextLength = ContextLength(tokens: tokens, source: "/v1/models max_model_len")
        } else if let tokens = json["meta"]?["n_ctx"]?.intValue, tokens > 0 {
            contextLength = ContextLength(tokens: tokens, source: "/v1/models meta.n_ctx")
        }
    }
}

/// A maximum context length in tokens and where it was read.
public struct ContextLength: Sendable, Equatable {
    public var tokens: Int
    /// `/v1/models max_model_len`, `/props default_generation_settings.n_ctx`, `experiment max_model_len`, `default`...
    public var source: String

    public init(tokens: Int, source: String) {
        self.tokens = tokens
        self.source = source
    }

    /// What a run uses when neither the server nor the experiment says (lm-eval's own default).
    public static let fallback = ContextLength(tokens: 2048, source: "default (the server reports none)")

    public var json: JSONValue { .object(["source": .string(source), "tokens": .int(tokens)]) }
}

public enum ServedModelError: Error, CustomStringConvertible, Equatable {
    /// The server does not serve the model the experiment names.
    case notServed(engine: String, url: String, model: String, expected: String, served: [String], explicit: Bool)
    /// The server's context length contradicts the engine's `max_model_len:`.
    case contextMismatch(engine: String, reported: ContextLength, configured: Int)

    public var description: String {
        switch self {
        case let .notServed(engine, url, model, expected, served, explicit):
            let list = served.isEmpty ? "no model" : served.map { "'\($0)'" }.joined(separator: ", ")
            let hint = explicit
                ? "served_name: \"\(expected)\" must be one of the ids it lists"
                : "start the server with that model, or, if it serves this model under another name, say so: model(..., served_name: \"\(served.first ?? "NAME")\")"
            return "engine '\(engine)': \(url) serves \(list), not '\(expected)' (model '\(model)'); \(hint)"
        case let .contextMismatch(engine, reported, configured):
            return "engine '\(engine)': the server reports a context of \(reported.tokens) tokens (\(reported.source)) but the experiment says max_model_len: \(configured)"
        }
    }
}

/// What a running OpenAI-compatible server says about itself, read before the first request: the
/// models it serves (`/v1/models`), its version (`/version` for vLLM and `arena-script serve`,
/// `/get_server_info` for SGLang, `/props` `build_info` for llama.cpp's server) and its context
/// length (per model in `/v1/models`, else `/props` `default_generation_settings.n_ctx` for
/// llama.cpp, else SGLang's `/get_server_info` `context_length` when it was set).
public struct ServerReport: Sendable, Equatable {
    /// Server root without `/v1`.
    public var baseURL: String
    public var models: [ServedModelEntry]
    public var version: String?
    /// A context length the server reports for itself rather than per model.
    public var serverContextLength: ContextLength?

    public init(baseURL: String, models: [ServedModelEntry], version: String? = nil, serverContextLength: ContextLength? = nil) {
        self.baseURL = baseURL
        self.models = models
        self.version = version
        self.serverContextLength = serverContextLength
    }

    public var modelIDs: [String] { models.map(\.id) }

    /// `url` without a trailing `/` or `/v1`.
    public static func root(_ url: String) -> String {
        var base = url.hasSuffix("/") ? String(url.dropLast()) : url
        if base.hasSuffix("/v1") { base = String(base.dropLast(3)) }
        return base
    }

    /// Reads the report. `/v1/models` must answer (with `retry`, each retry logged); the other routes are optional.
    public static func read(_ url: String, retry: RetryPolicy = RetryPolicy(maxAttempts: 3, baseDelay: 0.5, maxDelay: 2),
                            timeout: Double = 10, headers: [String: String] = [:],
                            log: (@Sendable (String) -> Void)? = nil) async throws -> ServerReport {
        let base = root(url)
        let probe = HTTPClient(retry: retry, connectTimeout: 5, log: log)
        let listing = try await probe.send(HTTPRequest(url: base + "/v1/models", headers: headers, timeout: timeout)).requireSuccess().json()
        var report = ServerReport(baseURL: base, models: (listing["data"]?.arrayValue ?? []).compactMap(ServedModelEntry.init(json:)))
        let once = HTTPClient(retry: .none, connectTimeout: 5)
        func get(_ path: String) async -> JSONValue? {
            guard let response = try? await once.send(HTTPRequest(url: base + path, headers: headers, timeout: timeout)),
                  response.status == 200 else { return nil }
            return try? response.json()
        }
        if let version = await get("/version")?["version"]?.stringValue {
            report.version = version
        } else if let info = await get("/get_server_info") {
            report.version = info["version"]?.stringValue
            if let tokens = info["context_length"]?.intValue, tokens > 0 {
                report.serverContextLength = ContextLength(tokens: tokens, source: "/get_server_info context_length")
            }
        }
        if report.version == nil || report.models.contains(where: { $0.contextLength == nil }), let props = await get("/props") {
            if report.version == nil, let build = props["build_info"]?.stringValue { report.version = "llama.cpp " + build }
            if report.serverContextLength == nil, let tokens = props["default_generation_settings"]?["n_ctx"]?.intValue, tokens > 0 {
                report.serverContextLength = ContextLength(tokens: tokens, source: "/props default_generation_settings.n_ctx")
            }
        }
        return report
    }

    /// The entry serving `expected`, or an error naming what the server serves instead.
    public func entry(serving expected: String, model: String, engine: String, explicit: Bool) throws -> ServedModelEntry {
        guard let entry = models.first(where: { $0.id == expected }) else {
            throw ServedModelError.notServed(engine: engine, url: HTTPClient.redact(baseURL), model: model, expected: expected,
                                             served: modelIDs, explicit: explicit)
        }
        return entry
    }

    /// The context length the server reports for `entry`: its own, else the server-wide one.
    public func contextLength(of entry: ServedModelEntry) -> ContextLength? {
        entry.contextLength ?? serverContextLength
    }

    /// The engine identity's version: what the server reports, else `unknown` with its `owned_by`.
    public func identityVersion(of entry: ServedModelEntry) -> String {
        if let version { return version }
        return entry.ownedBy.map { "unknown (owned_by \($0))" } ?? "unknown"
    }

    /// For environment.json.
    public var json: JSONValue {
        var fields: [String: JSONValue] = ["url": .string(HTTPClient.redact(baseURL)), "models": .array(modelIDs.map { .string($0) })]
        if let version { fields["version"] = .string(version) }
        return .object(fields)
    }
}

/// Where a run's maximum sequence length comes from: one place for every server engine.
public enum ServerContext {
    /// The longest token sequence sent to a server: what the server reports for the served model;
    /// else the engine's `max_model_len:`; else 2048 (`ContextLength.fallback`). A report that
    /// contradicts `max_model_len:` is an error: the run would not be what the experiment says.
    public static func resolve(reported: ContextLength?, configured: Int?, engine: String) throws -> ContextLength {
        if let reported {
            if let configured, configured != reported.tokens {
                throw ServedModelError.contextMismatch(engine: engine, reported: reported, configured: configured)
            }
            return reported
        }
        if let configured { return ContextLength(tokens: configured, source: "experiment max_model_len") }
        return .fallback
    }
}
