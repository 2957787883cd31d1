import Foundation

/// A container image reference split the way Docker normalises it:
/// `vllm/vllm-openai:v0.8.5` -> registry `docker.io`, repository `vllm/vllm-openai`, tag `v0.8.5`;
/// `ubuntu` -> `docker.io/library/ubuntu:latest`; `ghcr.io/org/x@sha256:...` keeps its digest.
public struct ImageReference: Sendable, Equatable {
    /// Registry name as written (`docker.io`, `ghcr.io`, `localhost:5000`).
    public var registry: String
    public var repository: String
    public var tag: String?
    public var digest: String?

    public init(registry: String, repository: String, tag: String?, digest: String?) {
        self.registry = registry
        self.repository = repository
        self.tag = tag
        self.digest = digest
    }

    /// The host the distribution API lives on (`docker.io` -> `registry-1.docker.io`).
    public var apiHost: String { registry == "docker.io" ? "registry-1.docker.io" : registry }

    /// What to ask the registry for: the digest when there is one, else the tag (default `latest`).
    public var reference: String { digest ?? tag ?? "latest" }

    /// `registry/repository@digest`.
    public func pinned(to digest: String) -> String { "\(registry)/\(repository)@\(digest)" }

    public static func parse(_ text: String) throws -> ImageReference {
        let fail = { (why: String) in ImageReferenceError(reference: text, reason: why) }
        var rest = Substring(text)
        var digest: String?
        if let at = rest.firstIndex(of: "@") {
            let d = String(rest[rest.index(after: at)...])
            guard isDigest(d) else { throw fail("the digest must be sha256: followed by 64 lower-case hex digits") }
            digest = d
            rest = rest[..<at]
        }
        var tag: String?
        let lastSlash = rest.lastIndex(of: "/")
        if let colon = rest.lastIndex(of: ":"), lastSlash.map({ colon > $0 }) ?? true {
            let t = String(rest[rest.index(after: colon)...])
            guard isTag(t) else { throw fail("'\(t)' is not a valid tag") }
            tag = t
            rest = rest[..<colon]
        }
        var components = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var registry = "docker.io"
        if components.count > 1, let first = components.first,
           first.contains(".") || first.contains(":") || first == "localhost" {
            registry = first == "index.docker.io" ? "docker.io" : first
            components.removeFirst()
        }
        guard !components.isEmpty, components.allSatisfy(isPathComponent) else {
            throw fail("the repository name must be lower-case letters, digits and separators (. _ - /)")
        }
        if registry == "docker.io" && components.count == 1 { components.insert("library", at: 0) }
        return ImageReference(registry: registry, repository: components.joined(separator: "/"), tag: tag, digest: digest)
    }

    public static func isDigest(_ s: String) -> Bool {
        guard s.hasPrefix("sha256:") else { return false }
        let hex = s.dropFirst(7)
        return hex.utf8.count == 64 && hex.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    private static func isTag(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, s.unicodeScalars.count <= 128, first != "." && first != "-" else { return false }
        return s.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) && $0.isASCII || "._-".unicodeScalars.contains($0) }
    }

    private static func isPathComponent(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, let last = s.unicodeScalars.last else { return false }
        let alnum = { (c: Unicode.Scalar) in (c >= "a" && c <= "z") || (c >= "0" && c <= "9") }
        return alnum(first) && alnum(last) && s.unicodeScalars.allSatisfy { alnum($0) || "._-".unicodeScalars.contains($0) }
    }
}

public struct ImageReferenceError: Error, CustomStringConvertible, Equatable {
    public let reference: String
    public let reason: String
    public var description: String { "image '\(reference)': \(reason)" }
}
