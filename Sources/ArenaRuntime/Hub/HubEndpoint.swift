import Foundation

/// Where the Hugging Face Hub is and how to authenticate, read from the environment the way
/// huggingface_hub does. The token is only ever sent as a header; it is never printed.
public struct HubEndpoint: Sendable {
    public static let defaultURL = "https://huggingface.co"

    /// Base URL without a trailing slash.
    public var baseURL: String
    public var token: String?

    public init(baseURL: String = HubEndpoint.defaultURL, token: String? = nil) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.token = token
    }

    /// `HF_ENDPOINT` (default https://huggingface.co); token from `HF_TOKEN`, else
    /// `HUGGING_FACE_HUB_TOKEN`, else the file `HF_TOKEN_PATH`, else `$HF_HOME/token` (HF_HOME
    /// defaults to `$XDG_CACHE_HOME/huggingface`, else `~/.cache/huggingface`).
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> HubEndpoint {
        let endpoint = env["HF_ENDPOINT"].flatMap(nonEmpty) ?? defaultURL
        return HubEndpoint(baseURL: endpoint, token: token(from: env))
    }

    static func token(from env: [String: String]) -> String? {
        if let t = env["HF_TOKEN"].flatMap(nonEmpty) { return t }
        if let t = env["HUGGING_FACE_HUB_TOKEN"].flatMap(nonEmpty) { return t }
        let path: String
        if let explicit = env["HF_TOKEN_PATH"].flatMap(nonEmpty) {
            path = explicit
        } else if let home = env["HF_HOME"].flatMap(nonEmpty) {
            path = home + "/token"
        } else if let cache = env["XDG_CACHE_HOME"].flatMap(nonEmpty) {
            path = cache + "/huggingface/token"
        } else {
            path = (env["HOME"] ?? NSHomeDirectory()) + "/.cache/huggingface/token"
        }
        guard let data = FileManager.default.contents(atPath: (path as NSString).expandingTildeInPath) else { return nil }
        return nonEmpty(String(decoding: data, as: UTF8.self))
    }

    private static func nonEmpty(_ s: String) -> String? {
        let t = s.trimmingCharacters(in: .whitespacesAndNewlines)
        return t.isEmpty ? nil : t
    }

    var authorizationHeaders: [String: String] {
        token.map { ["Authorization": "Bearer \($0)"] } ?? [:]
    }
}
