import Foundation

/// An image pinned to the manifest digest its tag points at.
public struct ResolvedImage: Sendable, Equatable {
    public var digest: String
    /// `registry/repository@sha256:...`.
    public var pinned: String
    /// The manifest's media type as served; nil when the reference already held a digest.
    public var mediaType: String?
}

/// Resolves image tags to manifest digests through the OCI distribution API
/// (`HEAD`, then `GET /v2/<name>/manifests/<tag>`), with the Docker Hub anonymous token flow.
public struct RegistryDigestResolver: Sendable {
    public static let manifestMediaTypes = [
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ]

    public let endpoints: RegistryEndpoints
    let client: HTTPClient

    public init(endpoints: RegistryEndpoints = RegistryEndpoints(), client: HTTPClient = HTTPClient()) {
        self.endpoints = endpoints
        self.client = client
    }

    public func resolve(_ image: String) async throws -> ResolvedImage {
        let ref = try ImageReference.parse(image)
        if let digest = ref.digest { return ResolvedImage(digest: digest, pinned: ref.pinned(to: digest), mediaType: nil) }
        let url = "\(endpoints.baseURL(for: ref))/v2/\(ref.repository)/manifests/\(ref.reference)"
        let what = "image '\(image)'"
        var authorization: String?

        var head = try await send("HEAD", url, authorization, what)
        if head.status == 401 {
            authorization = try await authorize(head, ref: ref, what: what)
            head = try await send("HEAD", url, authorization, what)
        }
        if (200..<300).contains(head.status), let digest = head.headers["docker-content-digest"], ImageReference.isDigest(digest) {
            return ResolvedImage(digest: digest, pinned: ref.pinned(to: digest), mediaType: mediaType(head))
        }

        // HEAD gave no usable digest or failed: GET the manifest, which also carries the server's error text.
        var get = try await send("GET", url, authorization, what)
        if get.status == 401 && authorization == nil {
            authorization = try await authorize(get, ref: ref, what: what)
            get = try await send("GET", url, authorization, what)
        }
        let shown = HTTPClient.redact(url)
        let server = HTTPClient.serverMessage(get.body)
        let suffix = server.isEmpty ? "" : " (server: \(server))"
        switch get.status {
        case 200..<300: break
        case 404: throw RegistryError(message: "\(what): \(shown) answered HTTP 404: no such repository or tag\(suffix)")
        case 401, 403: throw RegistryError(message: "\(what): \(shown) answered HTTP \(get.status): not authorised to pull; set ARENA_REGISTRY_AUTH for \(ref.registry) if it needs credentials\(suffix)")
        default: throw RegistryError(message: "\(what): \(shown) answered HTTP \(get.status)\(suffix)")
        }
        let bodyDigest = "sha256:" + SHA256.hex(get.body)
        if let header = get.headers["docker-content-digest"], !header.isEmpty {
            guard ImageReference.isDigest(header) else {
                throw RegistryError(message: "\(what): \(shown) sent Docker-Content-Digest '\(header)', which is not a sha256 digest")
            }
            guard header == bodyDigest else {
                throw RegistryError(message: "\(what): \(shown) sent Docker-Content-Digest \(header) but the manifest it served hashes to \(bodyDigest)")
            }
        }
        guard !get.body.isEmpty else { throw RegistryError(message: "\(what): \(shown) returned an empty manifest") }
        return ResolvedImage(digest: bodyDigest, pinned: ref.pinned(to: bodyDigest), mediaType: mediaType(get))
    }

    private func mediaType(_ response: HTTPResponse) -> String? {
        response.headers["content-type"].map { String($0.split(separator: ";")[0]).trimmingCharacters(in: .whitespaces) }
    }

    private func send(_ method: String, _ url: String, _ authorization: String?, _ what: String) async throws -> HTTPResponse {
        var headers = ["Accept": Self.manifestMediaTypes.joined(separator: ", ")]
        if let authorization { headers["Authorization"] = authorization }
        do {
            return try await client.send(HTTPRequest(method: method, url: url, headers: headers))
        } catch {
            throw RegistryError(message: "\(what): \(error)")
        }
    }

    /// Answers a 401: fetches a bearer token from the challenge's realm, or uses Basic credentials.
    private func authorize(_ response: HTTPResponse, ref: ImageReference, what: String) async throws -> String {
        let shown = HTTPClient.redact(response.url)
        guard let header = response.headers["www-authenticate"], let challenge = AuthChallenge.parse(header) else {
            throw RegistryError(message: "\(what): \(shown) answered HTTP 401 without a WWW-Authenticate challenge")
        }
        let credential = endpoints.credential(for: ref)
        if challenge.scheme == "basic" {
            guard let credential else {
                throw RegistryError(message: "\(what): \(shown) requires a user name and password; set ARENA_REGISTRY_AUTH for \(ref.registry)")
            }
            return credential.basicHeader
        }
        guard challenge.scheme == "bearer", let realm = challenge.parameters["realm"], var components = URLComponents(string: realm),
              components.scheme == "http" || components.scheme == "https" else {
            throw RegistryError(message: "\(what): \(shown) sent an authentication challenge this tool cannot answer: '\(challenge.scheme)' without a usable realm")
        }
        var query = components.queryItems ?? []
        if let service = challenge.parameters["service"] { query.append(URLQueryItem(name: "service", value: service)) }
        query.append(URLQueryItem(name: "scope", value: challenge.parameters["scope"] ?? "repository:\(ref.repository):pull"))
        components.queryItems = query
        guard let tokenURL = components.string else {
            throw RegistryError(message: "\(what): cannot build a token request from realm \(HTTPClient.redact(realm))")
        }
        var headers = ["Accept": "application/json"]
        if let credential { headers["Authorization"] = credential.basicHeader }
        let tokenResponse: HTTPResponse
        do {
            tokenResponse = try await client.send(HTTPRequest(url: tokenURL, headers: headers))
        } catch {
            throw RegistryError(message: "\(what): token request failed: \(error)")
        }
        let tokenShown = HTTPClient.redact(tokenURL)
        guard (200..<300).contains(tokenResponse.status) else {
            throw RegistryError(message: "\(what): token service \(tokenShown) answered HTTP \(tokenResponse.status): \(HTTPClient.serverMessage(tokenResponse.body))")
        }
        guard let json = try? JSONValue.parse(tokenResponse.body),
              let token = json["token"]?.stringValue ?? json["access_token"]?.stringValue, !token.isEmpty else {
            throw RegistryError(message: "\(what): token service \(tokenShown) returned no 'token' or 'access_token' field")
        }
        return "Bearer \(token)"
    }
}
