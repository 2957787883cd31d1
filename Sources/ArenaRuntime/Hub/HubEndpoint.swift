import Foundation

/// Where the Hugging Face Hub is and how to authenticate, read from the environment the way
/// huggingface_hub does. The token is only ever sent as a header; it is never printed.
public struct HubEndpoint: Sendable, CustomStringConvertible {
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

    /// As huggingface_hub's `get_token`: `HF_TOKEN` unless empty, else `HUGGING_FACE_HUB_TOKEN`,
    /// cleaned of line breaks and surrounding spaces; only if that gives nothing, the token file.
    static func token(from env: [String: String]) -> String? {
        let fromEnvironment = env["HF_TOKEN"].flatMap { $0.isEmpty ? nil : $0 } ?? env["HUGGING_FACE_HUB_TOKEN"]
        if let t = fromEnvironment.flatMap(nonEmpty) { return t }
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

    /// huggingface_hub's `_clean_token`: drop CR and LF anywhere, trim, nil when empty.
    private static func nonEmpty(_ s: String) -> String? {
        let t = s.replacingOccurrences(of: "\r", with: "").replacingOccurrences(of: "\n", with: "").trimmingCharacters(in: .whitespaces)
        return t.isEmpty ? nil : t
    }

    public var description: String { "HubEndpoint(\(baseURL), token: \(token == nil ? "none" : "set"))" }

    var authorizationHeaders: [String: String] {
        token.map { ["Authorization": "Bearer \($0)"] } ?? [:]
    }
}
