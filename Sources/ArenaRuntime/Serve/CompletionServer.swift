import FlyingFox
import FlyingSocks
import Foundation

/// Why the server could not start (address, port in use), with the system's message.
public struct ServeStartError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// `arena-script serve`: one model behind the HTTP API vLLM speaks (`/v1/completions`,
/// `/v1/models`, `/tokenize`, `/detokenize`, `/tokenizer_info`, `/health`, `/version`), so that
/// lm-eval's `local-completions` and arena-script's own endpoint engine run against it unchanged.
public final class CompletionServer: Sendable {
    public let served: ServedModel
    private let server: HTTPServer
    private let created: Int

    /// A server for `served` on `host:port` (port 0: the system picks one; see `start`).
    public init(served: ServedModel, host: String = "127.0.0.1", port: UInt16 = 8000) throws {
        self.served = served
        created = Int(Date().timeIntervalSince1970)
        self.host = host
        self.port = port
        let address: sockaddr_in
        do {
            address = try sockaddr_in.inet(ip4: host, port: port)
        } catch {
            throw ServeStartError(message: "cannot listen on \(host):\(port): not an IPv4 address (\(error))")
        }
        server = HTTPServer(address: address, timeout: 600, logger: .disabled)
    }

    private let host: String
    private let port: UInt16

    /// Starts listening and returns the port; the server runs until `stop()`.
    @discardableResult
    public func start() async throws -> UInt16 {
        await addRoutes()
        let server = self.server
        let ended = ServerEnd()
        let runner = Task {
            do {
                try await server.run()
                ended.record("the server stopped")
            } catch {
                ended.record(String(describing: error))
            }
        }
        // Listening, or the reason it could not (address in use, ...), whichever comes first.
        let deadline = Date().addingTimeInterval(10)
        while await !server.isListening {
            if let reason = ended.reason { throw ServeStartError(message: "cannot listen on \(host):\(port): \(reason)") }
            if Date() > deadline {
                runner.cancel()
                await server.stop()
                throw ServeStartError(message: "cannot listen on \(host):\(port): not listening after 10 s")
            }
            try await Task.sleep(nanoseconds: 5_000_000)
        }
        guard let address = await server.listeningAddress, case let .ip4(_, bound) = address else {
            await server.stop()
            throw ServeStartError(message: "cannot listen on \(host):\(port): the server did not report its address")
        }
        return bound
    }

    /// Runs until the process ends (for the command line).
    public func run() async throws {
        await addRoutes()
        try await server.run()
    }

    public func stop() async { await server.stop() }

    private func addRoutes() async {
        let runner = CompletionRunner(served: served)
        let served = self.served
        let created = self.created
        await server.appendRoute("POST /v1/completions") { request in
            await Self.respond {
                let parsed = try CompletionRequest(try await Self.body(request))
                let choices = try await runner.run(parsed)
                let promptTokens = choices.reduce(0) { $0 + $1.promptTokens }
                let completionTokens = choices.reduce(0) { $0 + $1.completionTokens }
                return .object([
                    "id": .string("cmpl-\(UUID().uuidString.lowercased())"), "object": .string("text_completion"),
                    "created": .int(Int(Date().timeIntervalSince1970)), "model": .string(served.name),
                    "choices": .array(choices.enumerated().map { index, choice in
                        .object(["index": .int(index), "text": .string(choice.text), "logprobs": choice.logprobs,
                                 "finish_reason": .string(choice.finishReason), "stop_reason": .null, "prompt_logprobs": .null])
                    }),
                    "usage": .object(["prompt_tokens": .int(promptTokens), "completion_tokens": .int(completionTokens),
                                      "total_tokens": .int(promptTokens + completionTokens)]),
                ])
            }
        }
        await server.appendRoute("GET /v1/models") { _ in
            await Self.respond {
                var entry: [String: JSONValue] = [
                    "id": .string(served.name), "object": .string("model"), "created": .int(created),
                    "owned_by": .string("arena-script"), "root": .string(served.name), "parent": .null, "permission": .array([]),
                ]
                if let model = served.tokenLevel?.model { entry["max_model_len"] = .int(model.maxModelLength) }
                return .object(["object": .string("list"), "data": .array([.object(entry)])])
            }
        }
        await server.appendRoute("POST /tokenize") { request in
            await Self.respond {
                let body = try await Self.body(request)
                guard let prompt = body["prompt"]?.stringValue else { throw ServeAPIError.badRequest("field 'prompt': expected a string", param: "prompt") }
                var addSpecial = true
                if let value = body["add_special_tokens"], value != .null {
                    guard let flag = value.boolValue else { throw ServeAPIError.badRequest("field 'add_special_tokens': expected true or false", param: "add_special_tokens") }
                    addSpecial = flag
                }
                let tokens: [Int]
                if let backend = served.tokenLevel {
                    tokens = backend.tokenizer.encode(prompt, addSpecialTokens: addSpecial)
                } else {
                    tokens = try await served.engine.tokenize(prompt)
                }
                var response: [String: JSONValue] = ["tokens": .array(tokens.map(JSONValue.int)), "count": .int(tokens.count)]
                response["max_model_len"] = served.tokenLevel.map { .int($0.model.maxModelLength) } ?? .null
                return .object(response)
            }
        }
        await server.appendRoute("POST /detokenize") { request in
            await Self.respond {
                let body = try await Self.body(request)
                guard let items = body["tokens"]?.arrayValue, items.allSatisfy({ if case .int = $0 { return true }; return false }) else {
                    throw ServeAPIError.badRequest("field 'tokens': expected a list of token ids", param: "tokens")
                }
                let ids = items.compactMap(\.intValue)
                if let backend = served.tokenLevel {
                    if let bad = ids.first(where: { $0 < 0 || $0 >= backend.model.vocabularySize }) {
                        throw ServeAPIError.badRequest("token id \(bad) is outside the vocabulary 0..<\(backend.model.vocabularySize)", param: "tokens")
                    }
                    return .object(["prompt": .string(backend.tokenizer.decode(ids))])
                }
                return .object(["prompt": .string(try await served.engine.detokenize(ids))])
            }
        }
        await server.appendRoute("GET /tokenizer_info") { _ in
            await Self.respond {
                let tokenizer = served.tokenLevel?.tokenizer
                func token(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
                var info: [String: JSONValue] = [
                    "tokenizer_class": .string("PreTrainedTokenizerFast"),
                    "bos_token": token(tokenizer?.bosToken), "eos_token": token(tokenizer?.eosToken),
                    "pad_token": token(tokenizer?.padToken),
                ]
                if let model = served.tokenLevel?.model { info["model_max_length"] = .int(model.maxModelLength) }
                return .object(info)
            }
        }
        await server.appendRoute("GET /health") { _ in FlyingFox.HTTPResponse(statusCode: .ok) }
        await server.appendRoute("GET /version") { _ in
            await Self.respond { .object(["version": .string(ToolVersion.current)]) }
        }
    }

    private static func body(_ request: FlyingFox.HTTPRequest) async throws -> JSONValue {
        let data = try await request.bodyData
        do {
            return try JSONValue.parse(data)
        } catch let error as JSONParseError {
            throw ServeAPIError.badRequest("malformed JSON in the request body: \(error.message)")
        }
    }

    /// Runs a handler and turns its result or error into a JSON response.
    private static func respond(_ handler: () async throws -> JSONValue) async -> FlyingFox.HTTPResponse {
        do {
            return json(try await handler(), status: 200)
        } catch let error as ServeAPIError {
            return json(error.body, status: error.status)
        } catch {
            let failure = ServeAPIError.internalError(String(describing: error))
            return json(failure.body, status: failure.status)
        }
    }

    private static func json(_ value: JSONValue, status: Int) -> FlyingFox.HTTPResponse {
        FlyingFox.HTTPResponse(statusCode: HTTPStatusCode(status, phrase: status == 200 ? "OK" : "Error"),
                               headers: [.contentType: "application/json"], body: value.serializedData(indent: nil))
    }
}

/// How the server's run loop ended, recorded from its task.
private final class ServerEnd: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: String?

    func record(_ reason: String) {
        lock.lock(); defer { lock.unlock() }
        if recorded == nil { recorded = reason }
    }

    var reason: String? {
        lock.lock(); defer { lock.unlock() }
        return recorded
    }
}
