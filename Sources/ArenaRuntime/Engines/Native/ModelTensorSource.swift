import Foundation

/// Where a model's tensors come from, by their Hugging Face names, converted to Float: a
/// safetensors folder (`ModelTensorSource`) or a GGUF file (`GGUFTensorSource`).
protocol NativeTensorSource {
    func contains(_ name: String) -> Bool
    /// The tensor, checked against the row-major shape the model expects.
    func floats(_ name: String, shape: [Int]) throws -> [Float]
}

/// The tensors of a model folder: `model.safetensors`, or the shards that
/// `model.safetensors.index.json` lists in its `weight_map`.
struct ModelTensorSource: NativeTensorSource {
    private var files: [String: SafetensorsFile] = [:]
    private var owner: [String: String] = [:]
    /// Where a missing tensor was looked for, for error messages.
    let description: String

    init(folder: URL) throws {
        let fm = FileManager.default
        let index = folder.appendingPathComponent("model.safetensors.index.json")
        let single = folder.appendingPathComponent("model.safetensors")
        if fm.fileExists(atPath: index.path) {
            description = index.path
            let data: Data
            do { data = try Data(contentsOf: index) } catch {
                throw NativeModelError.unreadableFile(path: index.path, reason: error.localizedDescription)
            }
            let json: JSONValue
            do { json = try JSONValue.parse(data) } catch {
                throw NativeModelError.invalidConfig(path: index.path, field: "(document)", reason: "not valid JSON: \(error)")
            }
            guard let map = json["weight_map"]?.objectValue else {
                throw NativeModelError.invalidConfig(path: index.path, field: "weight_map", reason: "missing or not an object")
            }
            for (tensor, value) in map {
                guard let file = value.stringValue, !file.contains("/"), !file.hasPrefix(".") else {
                    throw NativeModelError.invalidConfig(path: index.path, field: "weight_map.\(tensor)", reason: "expected a file name in the folder")
                }
                owner[tensor] = file
            }
            for file in Set(owner.values).sorted() {
                files[file] = try SafetensorsFile(path: folder.appendingPathComponent(file).path)
            }
        } else if fm.fileExists(atPath: single.path) {
            description = single.path
            let file = try SafetensorsFile(path: single.path)
            files["model.safetensors"] = file
            for tensor in file.entries.keys { owner[tensor] = "model.safetensors" }
        } else {
            throw NativeModelError.unreadableFile(path: folder.path, reason: "neither model.safetensors nor model.safetensors.index.json is in the folder")
        }
    }

    func contains(_ name: String) -> Bool { owner[name] != nil }

    func floats(_ name: String, shape: [Int]) throws -> [Float] {
        guard let fileName = owner[name], let file = files[fileName] else {
            throw NativeModelError.missingTensor(name: name, searched: description)
        }
        return try file.floats(name, shape: shape)
    }
}
