import Foundation

/// How registry hosts are reached. By default `https://<api host>`; `ARENA_REGISTRY_MIRROR` sends
/// requests elsewhere (a pull-through mirror, or a test server on loopback) while lockfiles keep
/// the registry names as written.
///
/// `ARENA_REGISTRY_MIRROR` is either one base URL for every registry (`http://127.0.0.1:5000`) or
/// a comma-separated list `registry=url` (`docker.io=http://127.0.0.1:5000,ghcr.io=https://m.example`).
/// Credentials for registries that need them: `ARENA_REGISTRY_AUTH=registry=user:password,...`;
/// they are sent to the registry's token service or as Basic auth, never written anywhere.
public struct RegistryEndpoints: Sendable {
    public var mirrorForAll: String?
    public var mirrors: [String: String]
    var credentials: [String: RegistryCredential]

    public init(mirrorForAll: String? = nil, mirrors: [String: String] = [:], credentials: [String: RegistryCredential] = [:]) {
        self.mirrorForAll = mirrorForAll.map(Self.trimSlash)
        self.mirrors = mirrors.mapValues(Self.trimSlash)
        self.credentials = credentials
    }

    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> RegistryEndpoints {
        var result = RegistryEndpoints()
        if let spec = env["ARENA_REGISTRY_MIRROR"]?.trimmingCharacters(in: .whitespaces), !spec.isEmpty {
            if spec.contains("=") {
                for item in spec.split(separator: ",") {
                    let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                    guard parts.count == 2, !parts[0].isEmpty, parts[1].hasPrefix("http://") || parts[1].hasPrefix("https://") else {
                        throw RegistryError(message: "ARENA_REGISTRY_MIRROR: expected registry=http(s)://host[:port], found '\(item)'")
                    }
                    result.mirrors[parts[0]] = trimSlash(parts[1])
                }
            } else {
                guard spec.hasPrefix("http://") || spec.hasPrefix("https://") else {
                    throw RegistryError(message: "ARENA_REGISTRY_MIRROR: expected an http(s):// URL, found '\(spec)'")
                }
                result.mirrorForAll = trimSlash(spec)
            }
        }
        if let spec = env["ARENA_REGISTRY_AUTH"], !spec.isEmpty {
            for item in spec.split(separator: ",") {
                let parts = item.split(separator: "=", maxSplits: 1)
                let secret = parts.count == 2 ? parts[1].split(separator: ":", maxSplits: 1) : []
                guard parts.count == 2, secret.count == 2 else {
                    // The item may hold a password: name only its position.
                    throw RegistryError(message: "ARENA_REGISTRY_AUTH: every item must be registry=user:password")
                }
                result.credentials[String(parts[0])] = RegistryCredential(username: String(secret[0]), password: String(secret[1]))
            }
        }
        return result
    }

    /// Base URL (scheme and authority) for the registry's API.
    public func baseURL(for image: ImageReference) -> String {
        mirrors[image.registry] ?? mirrorForAll ?? "https://\(image.apiHost)"
    }

    func credential(for image: ImageReference) -> RegistryCredential? { credentials[image.registry] }

    private static func trimSlash(_ s: String) -> String {
        var t = s
        while t.hasSuffix("/") { t.removeLast() }
        return t
    }
}

public struct RegistryCredential: Sendable {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    var basicHeader: String { "Basic " + Data("\(username):\(password)".utf8).base64EncodedString() }
}

public struct RegistryError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public var description: String { message }
}
