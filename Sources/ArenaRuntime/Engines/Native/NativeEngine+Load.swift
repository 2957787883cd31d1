import Foundation

extension NativeEngine {
    /// Whether `url` is a GGUF model file (a regular file named `*.gguf`) rather than a folder.
    public static func isGGUFFile(_ url: URL) -> Bool {
        var isFolder: ObjCBool = false
        return GGUFModelFacts.isGGUF(url) && FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) && !isFolder.boolValue
    }

    /// The engine on a model as an experiment or `serve` names it: a Hugging Face folder (with
    /// its tokenizer.json), or a GGUF file, checked first as `check` checks it
    /// (`GGUFModelFacts.nativelyRunnable`) and loaded with `NativeEngine(gguf:)`: the model and the tokenizer of its metadata.
    public static func load(_ url: URL, threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> NativeEngine {
        guard isGGUFFile(url) else { return try NativeEngine(folder: url, threads: threads) }
        _ = try GGUFModelFacts.nativelyRunnable(GGUFFile(path: url.path))
        return try NativeEngine(gguf: url, threads: threads)
    }
}
