import Foundation
import Testing
@testable import ArenaRuntime

@Suite struct ImageReferenceTests {
    @Test(arguments: [
        ("ubuntu", "docker.io", "library/ubuntu", "latest"),
        ("vllm/vllm-openai:v0.8.5", "docker.io", "vllm/vllm-openai", "v0.8.5"),
        ("docker.io/lmsysorg/sglang:v0.4.6-cu124", "docker.io", "lmsysorg/sglang", "v0.4.6-cu124"),
        ("index.docker.io/library/redis:7", "docker.io", "library/redis", "7"),
        ("ghcr.io/acme/tools/server:1.2", "ghcr.io", "acme/tools/server", "1.2"),
        ("localhost:5000/team/app", "localhost:5000", "team/app", "latest"),
        ("127.0.0.1:5000/app:rc_1", "127.0.0.1:5000", "app", "rc_1"),
    ])
    func referencesNormaliseLikeDocker(text: String, registry: String, repository: String, reference: String) throws {
        let ref = try ImageReference.parse(text)
        #expect(ref.registry == registry)
        #expect(ref.repository == repository)
        #expect(ref.reference == reference)
    }

    @Test func dockerHubIsReachedThroughRegistry1() throws {
        #expect(try ImageReference.parse("ubuntu:22.04").apiHost == "registry-1.docker.io")
        #expect(try ImageReference.parse("ghcr.io/a/b").apiHost == "ghcr.io")
    }

    @Test func aDigestReferenceKeepsItsDigest() throws {
        let digest = "sha256:" + String(repeating: "ab", count: 32)
        let ref = try ImageReference.parse("vllm/vllm-openai:v0.8.5@\(digest)")
        #expect(ref.digest == digest)
        #expect(ref.tag == "v0.8.5")
        #expect(ref.pinned(to: digest) == "docker.io/vllm/vllm-openai@\(digest)")
    }

    @Test(arguments: ["Vllm/Server:1", "app:bad tag", "app@sha256:1234", "", "a//b"])
    func malformedReferencesAreRejected(text: String) {
        #expect(throws: ImageReferenceError.self) { try ImageReference.parse(text) }
    }

    @Test func challengesParseQuotedParameters() throws {
        let c = try #require(AuthChallenge.parse(#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/ubuntu:pull,push""#))
        #expect(c.scheme == "bearer")
        #expect(c.parameters == ["realm": "https://auth.docker.io/token", "service": "registry.docker.io", "scope": "repository:library/ubuntu:pull,push"])
        #expect(AuthChallenge.parse(#"Basic realm="Registry""#)?.scheme == "basic")
    }

    @Test func mirrorsComeFromTheEnvironment() throws {
        let ref = try ImageReference.parse("vllm/vllm-openai:v1")
        let one = try RegistryEndpoints.fromEnvironment(["ARENA_REGISTRY_MIRROR": "http://127.0.0.1:5000/"])
        #expect(one.baseURL(for: ref) == "http://127.0.0.1:5000")
        let map = try RegistryEndpoints.fromEnvironment(["ARENA_REGISTRY_MIRROR": "ghcr.io=http://127.0.0.1:7000"])
        #expect(map.baseURL(for: ref) == "https://registry-1.docker.io")
        #expect(map.baseURL(for: try ImageReference.parse("ghcr.io/a/b")) == "http://127.0.0.1:7000")
        #expect(throws: RegistryError.self) { try RegistryEndpoints.fromEnvironment(["ARENA_REGISTRY_MIRROR": "127.0.0.1:5000"]) }
        let error = #expect(throws: RegistryError.self) {
            try RegistryEndpoints.fromEnvironment(["ARENA_REGISTRY_AUTH": "ghcr.io=s3cretWithoutUser"])
        }
        #expect(!(try #require(error).description.contains("s3cret")))
    }
}

/// The OCI distribution API and the Docker Hub token flow against a loopback registry.
@Suite struct RegistryDigestResolverTests {
    static let client = HTTPClient(retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.01, maxDelay: 0.05))

    func resolver(_ server: LoopbackServer) -> RegistryDigestResolver {
        RegistryDigestResolver(endpoints: RegistryEndpoints(mirrorForAll: server.baseURL), client: Self.client)
    }

    @Test func anonymousTokenFlowThenDigestFromHeader() async throws {
        let index = try lockFixture("registry_oci_index.json")
        let tokenBody = try lockFixture("registry_token.json")
        let token = try #require(try JSONValue.parse(tokenBody)["token"]?.stringValue)
        let unauthorized = try lockFixture("registry_unauthorized.json")
        let digest = "sha256:" + SHA256.hex(index)
        // Like Docker Hub, the token service (auth.docker.io) and the registry are different hosts.
        let tokenService = try await LoopbackServer.start { request, _ in
            request.path == "/token" ? .json(200, tokenBody) : .json(404, "{}")
        }
        defer { Task { await tokenService.stop() } }
        let registry = try await LoopbackServer.start { request, _ in
            guard request.path == "/v2/library/ubuntu/manifests/22.04" else { return .json(404, "{}") }
            guard request.headers["authorization"] == "Bearer \(token)" else {
                return .json(401, unauthorized, headers: [
                    "WWW-Authenticate": "Bearer realm=\"\(tokenService.baseURL)/token\",service=\"registry.test\",scope=\"repository:library/ubuntu:pull\""
                ])
            }
            return StubResponse(status: 200, headers: ["Content-Type": "application/vnd.oci.image.index.v1+json", "Docker-Content-Digest": digest],
                                body: Data(index.utf8))
        }
        defer { Task { await registry.stop() } }

        let resolved = try await resolver(registry).resolve("ubuntu:22.04")
        #expect(resolved.digest == digest)
        #expect(resolved.pinned == "docker.io/library/ubuntu@\(digest)")
        #expect(resolved.mediaType == "application/vnd.oci.image.index.v1+json")

        let tokenRequests = await tokenService.requests
        #expect(tokenRequests.count == 1)
        #expect(tokenRequests.first?.query == ["service": "registry.test", "scope": "repository:library/ubuntu:pull"])
        let manifestRequests = await registry.requests
        #expect(manifestRequests.map(\.method) == ["HEAD", "HEAD"])
        #expect(manifestRequests.map(\.path) == Array(repeating: "/v2/library/ubuntu/manifests/22.04", count: 2))
        let accept = try #require(manifestRequests.first?.headers["accept"])
        for type in RegistryDigestResolver.manifestMediaTypes { #expect(accept.contains(type)) }
        #expect(!resolved.pinned.contains(token))
    }

    @Test func credentialsFromTheEnvironmentAnswerBasicChallengesAndStayOutOfErrors() async throws {
        let list = try lockFixture("registry_manifest_list.json")
        let expected = "Basic " + Data("ci-bot:pa55-word".utf8).base64EncodedString()
        let server = try await LoopbackServer.start { request, _ in
            guard request.headers["authorization"] == expected else {
                return .json(401, #"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}"#,
                             headers: ["WWW-Authenticate": #"Basic realm="Registry Realm""#])
            }
            return StubResponse(status: 200, headers: ["Docker-Content-Digest": "sha256:" + SHA256.hex(list)], body: Data(list.utf8))
        }
        defer { Task { await server.stop() } }
        let env = ["ARENA_REGISTRY_MIRROR": "registry.example:5000=\(server.baseURL)", "ARENA_REGISTRY_AUTH": "registry.example:5000=ci-bot:pa55-word"]
        let withCredentials = RegistryDigestResolver(endpoints: try .fromEnvironment(env), client: Self.client)
        let resolved = try await withCredentials.resolve("registry.example:5000/team/app:1")
        #expect(resolved.pinned == "registry.example:5000/team/app@sha256:" + SHA256.hex(list))

        let anonymous = RegistryDigestResolver(endpoints: try .fromEnvironment(["ARENA_REGISTRY_MIRROR": server.baseURL]), client: Self.client)
        let error = await #expect(throws: RegistryError.self) { try await anonymous.resolve("registry.example:5000/team/app:1") }
        #expect(try #require(error).description.contains("ARENA_REGISTRY_AUTH"))

        let wrong = RegistryDigestResolver(endpoints: try .fromEnvironment(env.merging(["ARENA_REGISTRY_AUTH": "registry.example:5000=ci-bot:wrong-pa55"]) { _, b in b }),
                                           client: Self.client)
        let wrongError = await #expect(throws: RegistryError.self) { try await wrong.resolve("registry.example:5000/team/app:1") }
        let text = try #require(wrongError).description
        #expect(text.contains("HTTP 401"))
        #expect(!text.contains("wrong-pa55"))
    }

    @Test func manifestListWithoutDigestHeaderIsHashed() async throws {
        let list = try lockFixture("registry_manifest_list.json")
        let server = try await LoopbackServer.start { request, _ in
            guard request.method == "GET" else { return StubResponse(status: 405) }
            return StubResponse(status: 200, headers: ["Content-Type": "application/vnd.docker.distribution.manifest.list.v2+json"], body: Data(list.utf8))
        }
        defer { Task { await server.stop() } }
        let resolved = try await resolver(server).resolve("ghcr.io/acme/server:v2")
        // The digest of a manifest is the sha256 of its bytes as served (OCI image spec, "Digests").
        #expect(resolved.digest == "sha256:" + SHA256.hex(list))
        #expect(resolved.pinned == "ghcr.io/acme/server@\(resolved.digest)")
        #expect(resolved.mediaType == "application/vnd.docker.distribution.manifest.list.v2+json")
        #expect(await server.requests.map(\.method) == ["HEAD", "GET"])
    }

    @Test func aDigestHeaderThatDisagreesWithTheBodyIsAnError() async throws {
        let list = try lockFixture("registry_manifest_list.json")
        let wrong = "sha256:" + String(repeating: "0", count: 64)
        let server = try await LoopbackServer.start { request, _ in
            request.method == "GET" ? StubResponse(status: 200, headers: ["Docker-Content-Digest": wrong], body: Data(list.utf8)) : StubResponse(status: 405)
        }
        defer { Task { await server.stop() } }
        let error = await #expect(throws: RegistryError.self) { try await resolver(server).resolve("acme/server:v2") }
        #expect(try #require(error).description.contains("hashes to"))
    }

    @Test func unknownTagIsAClearError() async throws {
        let body = try lockFixture("registry_manifest_unknown.json")
        let server = try await LoopbackServer.start { _, _ in .json(404, body) }
        defer { Task { await server.stop() } }
        let error = await #expect(throws: RegistryError.self) { try await resolver(server).resolve("vllm/vllm-openai:v9.9.9") }
        let text = try #require(error).description
        #expect(text.contains("image 'vllm/vllm-openai:v9.9.9'"))
        #expect(text.contains("/v2/vllm/vllm-openai/manifests/v9.9.9"))
        #expect(text.contains("HTTP 404"))
        #expect(text.contains("manifest unknown"))
    }

    @Test func aDigestReferenceNeedsNoRequest() async throws {
        let server = try await LoopbackServer.start { _, _ in StubResponse(status: 500) }
        defer { Task { await server.stop() } }
        let digest = "sha256:" + String(repeating: "cd", count: 32)
        let resolved = try await resolver(server).resolve("vllm/vllm-openai@\(digest)")
        #expect(resolved.digest == digest)
        #expect(await server.requests.isEmpty)
    }
}
