import Foundation
@testable import ArenaRuntime

/// Starts `arena-script serve`'s server in-process on a free loopback port with the tiny Llama
/// model on the native engine, and talks to it with the project's HTTPClient.
struct ServeHarness {
    static let modelFolder = TokenizerTestSupport.repositoryRoot.appendingPathComponent("models/tiny-llama")

    let server: CompletionServer
    let baseURL: String
    let engine: NativeEngine
    let tokenizer: Tokenizer
    let client = HTTPClient(retry: .none)

    /// Runs `body` against a fresh server and stops the server afterwards, whatever happens.
    static func with(stopTokenIds: Set<Int>? = nil, _ body: (ServeHarness) async throws -> Void) async throws {
        var served = try ServedModel.native(folder: modelFolder, name: "tiny-llama", threads: 1)
        if let stopTokenIds, let backend = served.tokenLevel, let engine = served.engine as? NativeEngine {
            served.tokenLevel = .init(tokenizer: backend.tokenizer, model: NativeWithStopTokens(engine: engine, stopTokenIds: stopTokenIds))
        }
        guard let engine = served.engine as? NativeEngine, let tokenizer = served.tokenLevel?.tokenizer else {
            throw ServeAPIError.internalError("ServedModel.native did not give a NativeEngine with a tokenizer")
        }
        let server = try CompletionServer(served: served, host: "127.0.0.1", port: 0)
        let port = try await server.start()
        let harness = ServeHarness(server: server, baseURL: "http://127.0.0.1:\(port)", engine: engine, tokenizer: tokenizer)
        do {
            try await body(harness)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    func post(_ path: String, _ body: JSONValue) async throws -> (status: Int, json: JSONValue) {
        try await post(path, raw: body.serializedData(indent: nil))
    }

    func post(_ path: String, raw: Data) async throws -> (status: Int, json: JSONValue) {
        let response = try await client.send(HTTPRequest(method: "POST", url: baseURL + path, headers: ["Content-Type": "application/json"], body: raw))
        return (response.status, try response.json())
    }

    func get(_ path: String) async throws -> (status: Int, body: Data) {
        let response = try await client.send(HTTPRequest(method: "GET", url: baseURL + path))
        return (response.status, response.body)
    }

    /// lm-eval's token ids for a (context, continuation) pair: `tok(ctx) + tok(ctx + cont)[len(tok(ctx)):]`.
    func pairTokens(context: String, continuation: String) -> (tokens: [Int], contextLength: Int) {
        let (ctx, cont) = ContinuationEncoding.split(context: context, continuation: continuation)
        let contextTokens = tokenizer.encode(ctx, addSpecialTokens: false)
        let whole = tokenizer.encode(ctx + cont, addSpecialTokens: false)
        return (contextTokens + whole.dropFirst(min(contextTokens.count, whole.count)), contextTokens.count)
    }
}

extension JSONValue {
    static func ids(_ ids: [Int]) -> JSONValue { .array(ids.map(JSONValue.int)) }
}

extension JSONValue {
    /// An element of an array value.
    subscript(index: Int) -> JSONValue? {
        guard let items = arrayValue, items.indices.contains(index) else { return nil }
        return items[index]
    }
}

/// The native engine with another set of EOS tokens (to make generation end on a chosen token).
struct NativeWithStopTokens: TokenLevelModel {
    let engine: NativeEngine
    let stopTokenIds: Set<Int>
    var vocabularySize: Int { engine.vocabularySize }
    var maxModelLength: Int { engine.maxModelLength }
    func nextTokenLogprobs(_ ids: [Int], positions: Range<Int>) throws -> [[Double]] {
        try engine.nextTokenLogprobs(ids, positions: positions)
    }
    func startDecoding(_ ids: [Int], positions: Range<Int>, capacity: Int) throws -> (rows: [[Double]], session: any TokenDecodingSession) {
        try engine.startDecoding(ids, positions: positions, capacity: capacity)
    }
}
