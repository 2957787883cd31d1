import Foundation

public enum RequestFileError: Error, CustomStringConvertible {
    case invalidLine(path: String, line: Int, message: String)

    public var description: String {
        switch self {
        case let .invalidLine(path, line, message): return "\(path):\(line): \(message)"
        }
    }
}

/// Engine requests from a JSONL file, one per line: `{"context": ..., "continuation": ...}` for a
/// loglikelihood, `{"prompt": ..., "until": [...], "max_tokens": N, "temperature": T}` for a
/// generation. Results are written one per line in the same order:
/// `{"is_greedy": ..., "logprob": ...}` or `{"text": ...}`.
public enum RequestFile {
    public enum Item: Sendable, Equatable {
        case loglikelihood(LoglikelihoodRequest)
        case generation(GenerationRequest)
    }

    public static func parse(_ data: Data, path: String) throws -> [Item] {
        var items: [Item] = []
        for (number, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            let json: JSONValue
            do { json = try JSONValue.parse(text) } catch {
                throw RequestFileError.invalidLine(path: path, line: number + 1, message: "not JSON: \(error)")
            }
            if let context = json["context"]?.stringValue {
                guard let continuation = json["continuation"]?.stringValue else {
                    throw RequestFileError.invalidLine(path: path, line: number + 1, message: "a loglikelihood request needs a string 'continuation'")
                }
                items.append(.loglikelihood(LoglikelihoodRequest(context: context, continuation: continuation)))
            } else if let prompt = json["prompt"]?.stringValue {
                let until = json["until"]?.arrayValue?.compactMap(\.stringValue) ?? []
                let maxTokens = json["max_tokens"]?.intValue ?? 256
                guard maxTokens > 0 else {
                    throw RequestFileError.invalidLine(path: path, line: number + 1, message: "'max_tokens' must be positive")
                }
                items.append(.generation(GenerationRequest(prompt: prompt, until: until, maxTokens: maxTokens,
                                                           temperature: json["temperature"]?.doubleValue ?? 0, seed: json["seed"]?.intValue)))
            } else {
                throw RequestFileError.invalidLine(path: path, line: number + 1, message: "expected 'context' and 'continuation', or 'prompt'")
            }
        }
        return items
    }

    /// Runs every item on `engine` (loglikelihoods together, generations together); results in item order.
    public static func run(_ items: [Item], on engine: any LanguageModelEngine) async throws -> [JSONValue] {
        var likelihoods: [(Int, LoglikelihoodRequest)] = []
        var generations: [(Int, GenerationRequest)] = []
        for (i, item) in items.enumerated() {
            switch item {
            case let .loglikelihood(request): likelihoods.append((i, request))
            case let .generation(request): generations.append((i, request))
            }
        }
        var results = [JSONValue](repeating: .null, count: items.count)
        if !likelihoods.isEmpty {
            let scored = try await engine.loglikelihood(likelihoods.map(\.1))
            for ((i, _), result) in zip(likelihoods, scored) {
                results[i] = .object(["logprob": .double(result.logprob), "is_greedy": .bool(result.isGreedy)])
            }
        }
        if !generations.isEmpty {
            let generated = try await engine.generate(generations.map(\.1))
            for ((i, _), result) in zip(generations, generated) { results[i] = .object(["text": .string(result.text)]) }
        }
        return results
    }

    /// One canonical JSON object per line, written atomically.
    public static func write(_ results: [JSONValue], to url: URL) throws {
        var text = ""
        for result in results { text += result.serialized(indent: nil) + "\n" }
        try AtomicFile.write(text, to: url)
    }
}
