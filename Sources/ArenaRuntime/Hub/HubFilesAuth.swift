import Foundation

/// Where the Hub is and how to authenticate for file downloads (read from the environment through
/// `HubEndpoint`, as huggingface_hub reads it). The token is only ever put in an Authorization
/// header; `description` never shows it.
public struct HubAuth: Sendable, CustomStringConvertible {
    public let endpoint: String
    private let token: String?

    public init(endpoint: String = "https://huggingface.co", token: String? = nil) {
        var trimmed = endpoint
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.endpoint = trimmed
        let cleaned = token?.trimmingCharacters(in: .whitespacesAndNewlines)
        self.token = (cleaned?.isEmpty ?? true) ? nil : cleaned
    }

    /// The endpoint and token exactly as `lock` reads them (`HubEndpoint.fromEnvironment`).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> HubAuth {
        let hub = HubEndpoint.fromEnvironment(environment)
        return HubAuth(endpoint: hub.baseURL, token: hub.token)
    }

    public var hasToken: Bool { token != nil }

    /// Headers for a Hub request: the bearer token when there is one.
    public var headers: [String: String] {
        var h = ["User-Agent": "arena-script/\(ToolVersion.current)"]
        if let token { h["Authorization"] = "Bearer \(token)" }
        return h
    }

    public var description: String { "HubAuth(endpoint: \(endpoint), token: \(token == nil ? "none" : "set"))" }
}

/// Settings of the Hub dataset file store: endpoint and token, the cache directory, offline mode.
public struct HubFilesConfiguration: Sendable {
    public var auth: HubAuth
    public var cacheDirectory: URL
    /// Read only the cache; never send a request.
    public var offline: Bool

    public init(auth: HubAuth, cacheDirectory: URL, offline: Bool) {
        self.auth = auth
        self.cacheDirectory = cacheDirectory
        self.offline = offline
    }

    /// `$ARENA_CACHE_DIR`, else `$XDG_CACHE_HOME/arena-script`, else `~/.cache/arena-script`;
    /// offline as `OfflineMode` reads the environment (`ARENA_OFFLINE`, `HF_HUB_OFFLINE`).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> HubFilesConfiguration {
        let cache: URL
        if let dir = environment["ARENA_CACHE_DIR"], !dir.isEmpty {
            cache = URL(fileURLWithPath: dir)
        } else if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            cache = URL(fileURLWithPath: xdg).appendingPathComponent("arena-script")
        } else {
            cache = URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory()).appendingPathComponent(".cache/arena-script")
        }
        return HubFilesConfiguration(auth: .fromEnvironment(environment), cacheDirectory: cache,
                                     offline: OfflineMode.fromEnvironment(environment))
    }
}
