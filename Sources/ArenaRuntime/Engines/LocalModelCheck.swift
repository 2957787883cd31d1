import Foundation

/// A local model (`model("../models/x")`) that is not what its engine needs.
public struct LocalModelError: Error, CustomStringConvertible, Equatable {
    public let model: String
    /// The path as resolved on disk.
    public let path: String
    public let problem: String

    public var description: String { "model '\(model)': \(path) \(problem)" }
}

/// Whether a local model holds what an engine kind needs (`EngineCapabilities.localModel`): read
/// by `check` for every local model before anything runs and by the engine provider before it
/// starts an engine. For the native engine it opens the files the engine opens (config.json,
/// the safetensors headers, tokenizer.json; or a GGUF file's header) with the engine's own readers, without
/// loading weights.
public enum LocalModelCheck {
    /// Weight files a vLLM or SGLang server loads from a model folder.
    static let serverWeightSuffixes = [".safetensors", ".bin", ".pt", ".pth"]
    /// Tokenizer files a server's Hugging Face tokenizer loads from.
    static let serverTokenizerFiles = ["tokenizer.json", "tokenizer.model", "vocab.json"]

    public static func require(_ url: URL, needs: LocalModelNeeds, model: String) throws {
        if let problem = problem(url, needs: needs) { throw LocalModelError(model: model, path: url.path, problem: problem) }
    }

    /// What is wrong with `url` for an engine with these needs, or nil.
    public static func problem(_ url: URL, needs: LocalModelNeeds) -> String? {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else { return "does not exist" }
        switch needs {
        case .exists:
            return nil
        case .nativeFolder:
            guard isFolder.boolValue else {
                guard GGUFModelFacts.isGGUF(url) else {
                    return "is a file; the native engine loads a model folder (config.json, safetensors weights, tokenizer.json) or a .gguf file"
                }
                return ggufProblem(url)
            }
            for name in HubModelFiles.requiredFiles where !exists(url, name) {
                return "has no \(name); the native engine needs it"
            }
            do {
                _ = try NativeModelConfig.load(from: url.appendingPathComponent("config.json"))
                _ = try ModelTensorSource(folder: url)
                _ = try Tokenizer(folder: url)
            } catch {
                return "cannot be loaded by the native engine: \(error)"
            }
            return nil
        case let .serverFolder(tokenizerJSON):
            guard isFolder.boolValue else {
                if !tokenizerJSON, url.pathExtension.lowercased() == "gguf" { return nil }
                return "is a file; the server loads a model folder" + (tokenizerJSON ? "" : " or a .gguf file")
            }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
            guard names.contains("config.json") else { return "has no config.json; the server needs it" }
            guard names.contains(where: { name in serverWeightSuffixes.contains { name.lowercased().hasSuffix($0) } }) else {
                return "has no weights (\(serverWeightSuffixes.map { "*\($0)" }.joined(separator: ", ")))"
            }
            if tokenizerJSON {
                // SGLang serves no /tokenize: arena-script tokenizes with the folder's tokenizer.json.
                guard names.contains("tokenizer.json") else { return "has no tokenizer.json; likelihoods against SGLang are tokenized with it" }
                do { _ = try Tokenizer(folder: url) } catch { return "has a tokenizer.json that cannot be read: \(error)" }
            } else if !names.contains(where: serverTokenizerFiles.contains) {
                return "has no tokenizer (\(serverTokenizerFiles.joined(separator: ", ")))"
            }
            return nil
        }
    }

    /// A GGUF file opened as the engine opens it: the header, the facts the engine runs on
    /// (`GGUFModelFacts`: a supported architecture and tensor types) and the hyper-parameters.
    static func ggufProblem(_ url: URL) -> String? {
        do {
            let file = try GGUFFile(path: url.path)
            _ = try GGUFModelFacts.nativelyRunnable(file)
            _ = try NativeModelConfig(gguf: file)
            _ = try GGUFTokenizer(file: file)
        } catch {
            return "cannot be loaded by the native engine: \(error)"
        }
        return nil
    }

    private static func exists(_ folder: URL, _ name: String) -> Bool {
        FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path)
    }
}
