import Foundation

extension NativeEngine {
    /// Loads a GGUF file: the model from its tensors, the tokenizer from its metadata.
    public convenience init(gguf file: URL, threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        let gguf = try GGUFFile(path: file.path)
        try self.init(model: NativeModel(gguf: file), tokenizer: GGUFTokenizer(file: gguf), threads: threads)
    }
}
