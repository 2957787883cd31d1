import Foundation

/// Why a model could not be brought from the Hub. Every case names the model (and the commit,
/// once one is known); none ever holds a token.
public enum HubModelError: Error, CustomStringConvertible, Equatable {
    case invalidID(String)
    case notACommit(model: String, revision: String)
    case unauthorized(model: String, message: String)
    case notFound(model: String, message: String)
    case missingFile(model: String, commit: String, path: String, reason: String)
    case noSafetensors(model: String, commit: String, found: [String])
    case noWeights(model: String, commit: String, files: [String])
    case invalidIndex(model: String, commit: String, reason: String)
    case folderWrite(path: String, reason: String)
    case invalidRecord(path: String, reason: String)
    case recordMismatch(path: String, recorded: String, actual: String)

    public var description: String {
        switch self {
        case let .invalidID(id):
            return "model id '\(id)' is not a Hub repository id (expected 'name' or 'owner/name' of letters, digits, '-', '_', '.')"
        case let .notACommit(model, revision):
            return "model \(model): revision '\(revision)' is not a 40-hex commit SHA; models are read at a pinned commit"
        case let .unauthorized(model, message):
            return "model \(model): access denied (\(message)); set HF_TOKEN to a token that can read it"
        case let .notFound(model, message):
            return "model \(model): not found (\(message))"
        case let .missingFile(model, commit, path, reason):
            return "model \(model) at \(commit): \(path) \(reason)"
        case let .noSafetensors(model, commit, found):
            return "model \(model) at \(commit) has no safetensors weights (model.safetensors or model.safetensors.index.json), "
                + "only \(Self.list(found)); the native engine reads safetensors weights only"
        case let .noWeights(model, commit, files):
            return "model \(model) at \(commit) has no weights (model.safetensors or model.safetensors.index.json); files there: \(Self.list(files))"
        case let .invalidIndex(model, commit, reason):
            return "model \(model) at \(commit): model.safetensors.index.json \(reason)"
        case let .folderWrite(path, reason):
            return "\(path): cannot write the model folder: \(reason)"
        case let .invalidRecord(path, reason):
            return "recorded model file '\(path)' \(reason)"
        case let .recordMismatch(path, recorded, actual):
            return "\(path): recorded \(recorded), but the model at that commit has \(actual)"
        }
    }

    private static func list(_ names: [String]) -> String {
        guard !names.isEmpty else { return "none" }
        return names.prefix(12).joined(separator: ", ") + (names.count > 12 ? ", …" : "")
    }
}

/// Which files of a model repository the native engine reads: `config.json` and `tokenizer.json`
/// (required), `tokenizer_config.json` and `generation_config.json` (when there), and the weights:
/// `model.safetensors.index.json` with the shards its `weight_map` names, else `model.safetensors`
/// (the order the engine looks for them in). Only files at the repository's root count; other
/// weight formats (`*.bin`, `*.pt`, `*.gguf`, `onnx/`, …) are never fetched.
public enum HubModelFiles {
    public static let requiredFiles = ["config.json", "tokenizer.json"]
    public static let optionalFiles = ["generation_config.json", "tokenizer_config.json"]
    public static let singleWeights = "model.safetensors"
    public static let weightsIndex = "model.safetensors.index.json"
    static let otherWeightSuffixes = [".bin", ".pt", ".pth", ".ckpt", ".gguf", ".h5", ".msgpack", ".onnx", ".pkl"]

    /// The files to fetch from a repository listing (paths relative to its root), sorted, and the
    /// index file whose shards must be added once it is read (nil for a single weights file).
    public static func choose(_ paths: [String], model: String, commit: String) throws -> (files: [String], index: String?) {
        let root = Set(paths.filter { !$0.contains("/") })
        let index: String?
        var files: [String] = []
        if root.contains(weightsIndex) {
            index = weightsIndex
            files.append(weightsIndex)
        } else if root.contains(singleWeights) {
            index = nil
            files.append(singleWeights)
        } else {
            let others = paths.filter { path in otherWeightSuffixes.contains { path.lowercased().hasSuffix($0) } }.sorted()
            if others.isEmpty { throw HubModelError.noWeights(model: model, commit: commit, files: paths.sorted()) }
            throw HubModelError.noSafetensors(model: model, commit: commit, found: others)
        }
        for name in requiredFiles {
            guard root.contains(name) else {
                throw HubModelError.missingFile(model: model, commit: commit, path: name, reason: "is not in the repository; the native engine needs it")
            }
            files.append(name)
        }
        files.append(contentsOf: optionalFiles.filter(root.contains))
        return (files.sorted(), index)
    }

    /// The shard files `model.safetensors.index.json` names in its `weight_map`, sorted, each a
    /// plain file name (no folder, not hidden).
    public static func shards(inIndex data: Data, model: String, commit: String) throws -> [String] {
        let json: JSONValue
        do { json = try JSONValue.parse(data) } catch {
            throw HubModelError.invalidIndex(model: model, commit: commit, reason: "is not valid JSON: \(error)")
        }
        guard let map = json["weight_map"]?.objectValue else {
            throw HubModelError.invalidIndex(model: model, commit: commit, reason: "has no weight_map object")
        }
        var names = Set<String>()
        for tensor in map.keys.sorted() {
            guard let file = map[tensor]?.stringValue, !file.isEmpty, !file.contains("/"), !file.hasPrefix(".") else {
                throw HubModelError.invalidIndex(model: model, commit: commit, reason: "weight_map.\(tensor) is not a file name in the repository's root")
            }
            names.insert(file)
        }
        guard !names.isEmpty else { throw HubModelError.invalidIndex(model: model, commit: commit, reason: "has an empty weight_map") }
        return names.sorted()
    }

    /// Checks a repository id the way the Hub restricts them: `name` or `owner/name`, each part of
    /// letters, digits, `-`, `_`, `.`, not starting or ending with `-` or `.`, without `--` or `..`
    /// (so `owner--name` names its cache folder unambiguously).
    public static func checkID(_ id: String) throws {
        let parts = id.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { throw HubModelError.invalidID(id) }
        for part in parts {
            let allowed = part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
            guard !part.isEmpty, part.count <= 96, allowed, !part.contains("--"), !part.contains(".."),
                  let first = part.first, let last = part.last, !"-.".contains(first), !"-.".contains(last) else {
                throw HubModelError.invalidID(id)
            }
        }
    }
}
