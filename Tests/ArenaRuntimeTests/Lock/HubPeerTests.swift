import Foundation
import Testing
@testable import ArenaRuntime

/// huggingface_hub (the peer in Tests/requirements.txt) and HubRevisionResolver, given the same
/// environment, send the same request to the same loopback Hub and read the same SHA.
@Suite struct HubPeerTests {
    static let script = """
        import sys
        from huggingface_hub import HfApi
        kind, repo, revision = sys.argv[1:4]
        api = HfApi()
        info = api.model_info(repo, revision=revision) if kind == "model" else api.dataset_info(repo, revision=revision)
        print(info.sha)
        """

    @Test(arguments: [
        (HubRepoKind.model, "acme/private-model", "main"),
        (HubRepoKind.model, "acme/private-model", "refs/pr/1"),
        (HubRepoKind.dataset, "openai/gsm8k", "v1.0+rc 2"),
    ])
    func sameRequestAndSHAAsHuggingFaceHub(kind: HubRepoKind, repo: String, revision: String) async throws {
        let fixture = kind == .model ? "hub_model_revision.json" : "hub_dataset_revision.json"
        let body = try lockFixture(fixture)
        let server = try await LoopbackServer.start { _, _ in .json(200, body) }
        defer { Task { await server.stop() } }
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("hfpeer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        try "hf_peerTokenFromFile\n".write(to: home.appendingPathComponent("token"), atomically: true, encoding: .utf8)
        let env = ["HF_ENDPOINT": server.baseURL + "/", "HF_HOME": home.path, "HOME": home.path, "HF_HUB_DISABLE_TELEMETRY": "1"]

        let peer = try await LockPythonPeer.run(script: Self.script, arguments: [kind.rawValue, repo, revision], environment: env)
        #expect(peer.status == 0, "huggingface_hub failed: \(peer.stderr)")
        let ours = try await HubRevisionResolver(endpoint: .fromEnvironment(env)).resolve(kind: kind, id: repo, revision: revision)
        #expect(ours == peer.stdout.trimmingCharacters(in: .whitespacesAndNewlines))

        let requests = await server.requests
        try #require(requests.count == 2)
        #expect(requests[1].rawPath == requests[0].rawPath)
        #expect(requests[1].headers["authorization"] == requests[0].headers["authorization"])
        #expect(requests[0].headers["authorization"] == "Bearer hf_peerTokenFromFile")
    }
}
