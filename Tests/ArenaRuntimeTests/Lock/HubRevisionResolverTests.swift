import Foundation
import Testing
@testable import ArenaRuntime

/// The Hub revision API against a loopback server answering with recorded response shapes.
@Suite struct HubRevisionResolverTests {
    static let fastRetry = HTTPClient(retry: RetryPolicy(maxAttempts: 3, baseDelay: 0.01, maxDelay: 0.05))

    func fixtureSHA(_ name: String) throws -> String {
        try #require(try JSONValue.parse(lockFixture(name))["sha"]?.stringValue)
    }

    @Test func modelRevisionBecomesTheCommitSHATheServerReports() async throws {
        let body = try lockFixture("hub_model_revision.json")
        let server = try await LoopbackServer.start { _, _ in .json(200, body) }
        defer { Task { await server.stop() } }
        let resolver = HubRevisionResolver(endpoint: HubEndpoint(baseURL: server.baseURL + "/"), client: Self.fastRetry)
        let sha = try await resolver.resolve(kind: .model, id: "Qwen/Qwen2.5-3B-Instruct", revision: "main")
        #expect(sha == (try fixtureSHA("hub_model_revision.json")))
        let requests = await server.requests
        #expect(requests.map(\.path) == ["/api/models/Qwen/Qwen2.5-3B-Instruct/revision/main"])
        #expect(requests.first?.headers["authorization"] == nil)
    }

    @Test func datasetRevisionUsesTheDatasetsAPI() async throws {
        let body = try lockFixture("hub_dataset_revision.json")
        let server = try await LoopbackServer.start { _, _ in .json(200, body) }
        defer { Task { await server.stop() } }
        let resolver = HubRevisionResolver(endpoint: HubEndpoint(baseURL: server.baseURL), client: Self.fastRetry)
        let sha = try await resolver.resolve(kind: .dataset, id: "openai/gsm8k", revision: "main")
        #expect(sha == (try fixtureSHA("hub_dataset_revision.json")))
        #expect(await server.requests.map(\.path) == ["/api/datasets/openai/gsm8k/revision/main"])
    }

    @Test func aCommitSHARevisionIsKeptWithoutARequest() async throws {
        let server = try await LoopbackServer.start { _, _ in .json(500, "{}") }
        defer { Task { await server.stop() } }
        let resolver = HubRevisionResolver(endpoint: HubEndpoint(baseURL: server.baseURL), client: Self.fastRetry)
        let pinned = "0123456789abcdef0123456789abcdef01234567"
        #expect(try await resolver.resolve(kind: .model, id: "org/m", revision: pinned) == pinned)
        #expect(await server.requests.isEmpty)
    }

    @Test func revisionsAreQuotedLikeHuggingFaceHub() {
        let resolver = HubRevisionResolver(endpoint: HubEndpoint(baseURL: "https://hub.example"))
        #expect(resolver.url(kind: .model, id: "org/name", revision: "refs/pr/1")
            == "https://hub.example/api/models/org/name/revision/refs%2Fpr%2F1")
        #expect(resolver.url(kind: .dataset, id: "cais/mmlu", revision: "v1.0 beta")
            == "https://hub.example/api/datasets/cais/mmlu/revision/v1.0%20beta")
    }

    @Test func unknownModelGivesAnErrorNamingModelURLAndServerMessage() async throws {
        let body = try lockFixture("hub_not_found.json")
        let server = try await LoopbackServer.start { _, _ in .json(404, body) }
        defer { Task { await server.stop() } }
        let resolver = HubRevisionResolver(endpoint: HubEndpoint(baseURL: server.baseURL), client: Self.fastRetry)
        let error = await #expect(throws: HubResolveError.self) {
            try await resolver.resolve(kind: .model, id: "nobody/missing", revision: "main")
        }
        let text = try #require(error).description
        #expect(text.contains("model 'nobody/missing' at revision 'main'"))
        #expect(text.contains("\(server.baseURL)/api/models/nobody/missing/revision/main"))
        #expect(text.contains("HTTP 404"))
        #expect(text.contains("Repository not found"))
    }

    @Test func tokenIsSentAsBearerAndNeverAppearsInErrors() async throws {
        let token = "hf_testTokenValue9c1e"
        let ok = try lockFixture("hub_model_revision.json")
        let denied = try lockFixture("hub_unauthorized.json")
        let server = try await LoopbackServer.start { request, _ in
            request.headers["authorization"] == "Bearer \(token)" ? .json(200, ok) : .json(401, denied)
        }
        defer { Task { await server.stop() } }

        let anonymous = HubRevisionResolver(endpoint: HubEndpoint(baseURL: server.baseURL), client: Self.fastRetry)
        let error = await #expect(throws: HubResolveError.self) {
            try await anonymous.resolve(kind: .model, id: "acme/private", revision: "v1")
        }
        #expect(try #require(error).description.contains("HF_TOKEN"))

        let wrongToken = HubRevisionResolver(endpoint: HubEndpoint(baseURL: server.baseURL, token: token + "x"), client: Self.fastRetry)
        let secondError = await #expect(throws: HubResolveError.self) {
            try await wrongToken.resolve(kind: .model, id: "acme/private", revision: "v1")
        }
        #expect(try #require(secondError).description.contains("HTTP 401"))
        #expect(!(try #require(secondError).description.contains(token)))

        let authorised = HubRevisionResolver(endpoint: HubEndpoint(baseURL: server.baseURL, token: token), client: Self.fastRetry)
        #expect(try await authorised.resolve(kind: .model, id: "acme/private", revision: "v1") == (try fixtureSHA("hub_model_revision.json")))
        let seen = await server.requests.compactMap { $0.headers["authorization"] }
        #expect(seen == ["Bearer \(token)x", "Bearer \(token)"])
    }

    @Test func tooManyRequestsIsRetried() async throws {
        let ok = try lockFixture("hub_model_revision.json")
        let server = try await LoopbackServer.start { _, number in
            number < 3 ? .json(429, #"{"error":"rate limited"}"#, headers: ["Retry-After": "0"]) : .json(200, ok)
        }
        defer { Task { await server.stop() } }
        let resolver = HubRevisionResolver(endpoint: HubEndpoint(baseURL: server.baseURL), client: Self.fastRetry)
        #expect(try await resolver.resolve(kind: .model, id: "org/m", revision: "main") == (try fixtureSHA("hub_model_revision.json")))
        #expect(await server.requests.count == 3)
    }

    @Test func malformedJSONGivesAClearError() async throws {
        let body = try lockFixture("hub_truncated.json")
        let server = try await LoopbackServer.start { _, _ in .json(200, body) }
        defer { Task { await server.stop() } }
        let resolver = HubRevisionResolver(endpoint: HubEndpoint(baseURL: server.baseURL), client: Self.fastRetry)
        let error = await #expect(throws: HubResolveError.self) {
            try await resolver.resolve(kind: .model, id: "org/m", revision: "main")
        }
        #expect(try #require(error).description.contains("did not return JSON"))
    }

    @Test func aShaThatIsNotACommitIdIsRejected() async throws {
        let server = try await LoopbackServer.start { _, _ in .json(200, #"{"sha":"main"}"#) }
        defer { Task { await server.stop() } }
        let resolver = HubRevisionResolver(endpoint: HubEndpoint(baseURL: server.baseURL), client: Self.fastRetry)
        let error = await #expect(throws: HubResolveError.self) {
            try await resolver.resolve(kind: .model, id: "org/m", revision: "main")
        }
        #expect(try #require(error).description.contains("not a 40-digit"))
    }

    @Test func endpointAndTokenComeFromTheEnvironmentLikeHuggingFaceHub() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("hfhome-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        try "hf_fromFile\n".write(to: home.appendingPathComponent("token"), atomically: true, encoding: .utf8)

        let fromFile = HubEndpoint.fromEnvironment(["HF_HOME": home.path, "HF_ENDPOINT": "http://127.0.0.1:9/"])
        #expect(fromFile.baseURL == "http://127.0.0.1:9")
        #expect(fromFile.token == "hf_fromFile")
        #expect(HubEndpoint.fromEnvironment(["HF_HOME": home.path, "HUGGING_FACE_HUB_TOKEN": "hf_legacy"]).token == "hf_legacy")
        #expect(HubEndpoint.fromEnvironment(["HF_HOME": home.path, "HF_TOKEN": "hf_new", "HUGGING_FACE_HUB_TOKEN": "hf_legacy"]).token == "hf_new")
        let none = HubEndpoint.fromEnvironment(["HF_HOME": home.appendingPathComponent("absent").path])
        #expect(none.token == nil)
        #expect(none.baseURL == "https://huggingface.co")
        #expect(!fromFile.description.contains("hf_fromFile"))

        // Dataset and model downloads read the same endpoint and token as lock.
        for env in [["HF_HOME": home.path, "HF_ENDPOINT": "http://127.0.0.1:9/"], ["HF_HOME": home.path, "HF_TOKEN": " hf_new\n"],
                    ["HF_HOME": home.appendingPathComponent("absent").path]] {
            let hub = HubEndpoint.fromEnvironment(env), files = HubAuth.fromEnvironment(env)
            #expect(files.endpoint == hub.baseURL)
            #expect(files.headers["Authorization"] == hub.authorizationHeaders["Authorization"], "\(env)")
        }
    }
}
