/// A `POST /v1/completions` body, checked field by field as vLLM checks it.
struct CompletionRequest: Equatable, Sendable {
    enum Prompt: Equatable, Sendable {
        case text(String)
        case tokens([Int])
    }

    var model: String?
    var prompts: [Prompt]
    var maxTokens: Int
    var temperature: Double
    var stop: [String]
    var seed: Int?
    var echo: Bool
    var logprobs: Int?
    /// Whether text prompts get the tokenizer's special tokens (BOS); vLLM's default is true.
    var addSpecialTokens: Bool

    static let maxLogprobs = 20
    static let neutralValues: [(String, [Double])] = [
        ("top_p", [1]), ("top_k", [-1, 0]), ("min_p", [0]), ("presence_penalty", [0]), ("frequency_penalty", [0]),
        ("repetition_penalty", [1]), ("best_of", [1]),
    ]

    init(_ body: JSONValue) throws {
        guard let fields = body.objectValue else { throw ServeAPIError.badRequest("the request body must be a JSON object") }
        func typeError(_ name: String, _ expected: String) -> ServeAPIError {
            .badRequest("field '\(name)': expected \(expected), got \(fields[name].map { $0.serialized(indent: nil) } ?? "nothing")", param: name)
        }
        func present(_ name: String) -> JSONValue? {
            guard let value = fields[name], value != .null else { return nil }
            return value
        }
        if let value = present("model") {
            guard let name = value.stringValue else { throw typeError("model", "a string") }
            model = name
        }
        guard let prompt = present("prompt") else { throw ServeAPIError.badRequest("field 'prompt' is required", param: "prompt") }
        prompts = try Self.prompts(prompt, typeError: typeError("prompt", "a string, a list of strings, a list of token ids or a list of lists of token ids"))
        if let value = present("max_tokens") {
            guard case let .int(n) = value, n >= 0 else { throw typeError("max_tokens", "an integer >= 0") }
            maxTokens = n
        } else {
            maxTokens = 16
        }
        if let value = present("temperature") {
            guard let t = value.doubleValue, t >= 0, t.isFinite else { throw typeError("temperature", "a number >= 0") }
            temperature = t
        } else {
            temperature = 1
        }
        switch present("stop") {
        case nil: stop = []
        case let .string(s)?: stop = [s]
        case let .array(items)?:
            stop = try items.map { item in
                guard let s = item.stringValue else { throw typeError("stop", "a string or a list of strings") }
                return s
            }
        default: throw typeError("stop", "a string or a list of strings")
        }
        stop = stop.filter { !$0.isEmpty }
        if let value = present("seed") {
            guard case let .int(s) = value else { throw typeError("seed", "an integer") }
            seed = s
        }
        if let value = present("echo") {
            guard let b = value.boolValue else { throw typeError("echo", "true or false") }
            echo = b
        } else {
            echo = false
        }
        if let value = present("add_special_tokens") {
            guard let b = value.boolValue else { throw typeError("add_special_tokens", "true or false") }
            addSpecialTokens = b
        } else {
            addSpecialTokens = true
        }
        if let value = present("logprobs") {
            guard case let .int(k) = value, (0...Self.maxLogprobs).contains(k) else { throw typeError("logprobs", "an integer from 0 to \(Self.maxLogprobs)") }
            logprobs = k
        }
        if let value = present("n") {
            guard case let .int(n) = value else { throw typeError("n", "an integer") }
            guard n == 1 else { throw ServeAPIError.badRequest("field 'n': only n = 1 is supported", param: "n") }
        }
        // Sampling controls this server does not implement are accepted only at their neutral values.
        for (name, neutral) in Self.neutralValues {
            if let value = present(name), !neutral.contains(value.doubleValue ?? .nan) {
                throw ServeAPIError.badRequest("field '\(name)': only \(neutral.map { PythonFloat.repr($0) }.joined(separator: " or ")) is supported, got \(value.serialized(indent: nil))", param: name)
            }
        }
        for name in ["logit_bias", "suffix", "guided_json", "guided_regex", "guided_choice"] {
            if let value = present(name), value != .object([:]), value != .array([]) {
                throw ServeAPIError.badRequest("field '\(name)' is not supported", param: name)
            }
        }
        if let value = present("stream") {
            guard value.boolValue == false else { throw ServeAPIError.badRequest("field 'stream': streaming is not supported", param: "stream") }
        }
    }

    private static func prompts(_ value: JSONValue, typeError: ServeAPIError) throws -> [Prompt] {
        if let text = value.stringValue { return [.text(text)] }
        guard let items = value.arrayValue, !items.isEmpty else {
            if value.arrayValue != nil { throw ServeAPIError.badRequest("field 'prompt': must not be empty", param: "prompt") }
            throw typeError
        }
        if items.allSatisfy({ $0.stringValue != nil }) { return items.compactMap(\.stringValue).map(Prompt.text) }
        if items.allSatisfy({ if case .int = $0 { return true }; return false }) { return [.tokens(items.compactMap(\.intValue))] }
        return try items.map { item in
            guard let ids = item.arrayValue, ids.allSatisfy({ if case .int = $0 { return true }; return false }) else { throw typeError }
            return .tokens(ids.compactMap(\.intValue))
        }
    }
}
