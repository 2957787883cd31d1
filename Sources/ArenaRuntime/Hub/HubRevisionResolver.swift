import Foundation

extension HubRepoKind {
    var apiPath: String { apiSegment }
}

public struct HubResolveError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public var description: String { message }
}

/// Turns a Hub branch or tag into the commit SHA it points at today:
/// `GET {endpoint}/api/{models|datasets}/{id}/revision/{revision}` -> `{"sha": ...}`.
public struct HubRevisionResolver: Sendable {
    public let endpoint: HubEndpoint
    let client: HTTPClient

    public init(endpoint: HubEndpoint, client: HTTPClient = HTTPClient()) {
        self.endpoint = endpoint
        self.client = client
    }

    /// A 40-hex revision is already a commit and is returned without a request.
    public static func isCommitSHA(_ revision: String) -> Bool {
        revision.utf8.count == 40 && revision.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    public func url(kind: HubRepoKind, id: String, revision: String) -> String {
        let encodedID = id.split(separator: "/", omittingEmptySubsequences: false)
            .map { String($0).addingPercentEncoding(withAllowedCharacters: Self.segmentCharacters) ?? String($0) }
            .joined(separator: "/")
        let encodedRevision = revision.addingPercentEncoding(withAllowedCharacters: Self.segmentCharacters) ?? revision
        return "\(endpoint.baseURL)/api/\(kind.apiPath)/\(encodedID)/revision/\(encodedRevision)"
    }

    /// Like Python's `quote(s, safe="")`: only unreserved characters stay as they are.
    private static let segmentCharacters = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")

    public func resolve(kind: HubRepoKind, id: String, revision: String) async throws -> String {
        if Self.isCommitSHA(revision) { return revision }
        let what = "\(kind.rawValue) '\(id)' at revision '\(revision)'"
        guard !id.isEmpty, !id.hasPrefix("/"), !id.contains("..") else {
            throw HubResolveError(message: "\(what): '\(id)' is not a Hub repository id")
        }
        let url = url(kind: kind, id: id, revision: revision)
        let shown = HTTPClient.redact(url)
        let response: HTTPResponse
        do {
            response = try await client.send(HTTPRequest(url: url, headers: endpoint.authorizationHeaders.merging(["Accept": "application/json"]) { a, _ in a }))
        } catch {
            throw HubResolveError(message: "\(what): \(error)")
        }
        let serverText = HTTPClient.serverMessage(response.body)
        let suffix = serverText.isEmpty ? "" : " (server: \(serverText))"
        switch response.status {
        case 200..<300: break
        case 401, 403:
            let hint = endpoint.token == nil
                ? "the repository is private, gated or does not exist; set HF_TOKEN to a token with access"
                : "the token sent (from HF_TOKEN, HUGGING_FACE_HUB_TOKEN or the Hub token file) has no access, or the repository does not exist"
            throw HubResolveError(message: "\(what): \(shown) answered HTTP \(response.status): \(hint)\(suffix)")
        case 404:
            throw HubResolveError(message: "\(what): \(shown) answered HTTP 404: no such \(kind.rawValue) or revision\(suffix)")
        default:
            throw HubResolveError(message: "\(what): \(shown) answered HTTP \(response.status)\(suffix)")
        }
        let json: JSONValue
        do { json = try JSONValue.parse(response.body) } catch {
            throw HubResolveError(message: "\(what): \(shown) did not return JSON: \(HTTPClient.excerpt(response.body))")
        }
        guard let sha = json["sha"]?.stringValue else {
            throw HubResolveError(message: "\(what): the response from \(shown) has no string field 'sha'")
        }
        guard Self.isCommitSHA(sha) else {
            throw HubResolveError(message: "\(what): \(shown) returned sha '\(sha)', which is not a 40-digit lower-case hex commit id")
        }
        return sha
    }
}
