import Foundation

/// What a GGUF file is as a model, read from its header alone: the architecture
/// (`general.architecture`), the quantization (`general.file_type`, named as llama.cpp's
/// `gguf` package names its `LlamaFileType`), and how many tensors of each ggml type it holds.
/// `nativelyRunnable` checks what the native engine can run: the architecture is in
/// `NativeModelConfig.supportedGGUFArchitectures` and every tensor's type in
/// `GGUFDequantize.supported`. `check` and the engine (`NativeEngine` on a GGUF file) both ask it,
/// so what `check` accepts is what the engine loads; `lock` records the facts.
public struct GGUFModelFacts: Sendable, Equatable {
    public let architecture: String
    /// `general.file_type` by name (`Q4_1`, `Q4_K_M`, `F16`, `ALL_F32`); nil when the file has none.
    public let quantization: String?
    /// Tensor count per ggml type name (`F32`, `Q4_1`, ...).
    public let tensorTypes: [String: Int]

    /// The ggml types the native engine converts, by name: the dequantizer's own list.
    public static var supportedTensorTypes: [String] { GGUFDequantize.supported.map(\.name) }

    public init(architecture: String, quantization: String?, tensorTypes: [String: Int]) {
        self.architecture = architecture
        self.quantization = quantization
        self.tensorTypes = tensorTypes
    }

    /// Reads the facts of an open file (any architecture and tensor type: a server engine may run
    /// what the native engine does not); errors name the file and the field.
    public init(file: GGUFFile) throws {
        guard let arch = file["general.architecture"]?.stringValue else {
            throw NativeModelError.invalidConfig(path: file.path, field: "general.architecture", reason: "missing or not a string")
        }
        var counts: [String: Int] = [:]
        for tensor in file.tensors { counts[tensor.type.name, default: 0] += 1 }
        var quantization: String?
        if let value = file["general.file_type"] {
            guard let raw = value.intValue else {
                throw NativeModelError.invalidConfig(path: file.path, field: "general.file_type", reason: "expected an integer, found \(value.type)")
            }
            quantization = Self.fileTypeName(raw)
        }
        self.init(architecture: arch, quantization: quantization, tensorTypes: counts)
    }

    /// Opens `url` as a GGUF file and reads its facts.
    public init(url: URL) throws {
        try self.init(file: GGUFFile(path: url.path))
    }

    /// The facts of a file the native engine runs: its architecture is one of
    /// `NativeModelConfig.supportedGGUFArchitectures` and every tensor's type one the dequantizer
    /// converts; otherwise an error naming the file and the field or the first tensor at fault.
    public static func nativelyRunnable(_ file: GGUFFile) throws -> GGUFModelFacts {
        let facts = try GGUFModelFacts(file: file)
        guard NativeModelConfig.supportedGGUFArchitectures.contains(facts.architecture) else {
            throw NativeModelError.unsupportedConfig(path: file.path, field: "general.architecture",
                                                     value: "\"\(facts.architecture)\" (supported: \(NativeModelConfig.supportedGGUFArchitectures.joined(separator: ", ")))")
        }
        if let tensor = file.tensors.first(where: { !GGUFDequantize.supported.contains($0.type) }) {
            throw NativeModelError.unsupportedTensorType(path: file.path, tensor: tensor.name, type: tensor.type.name, supported: supportedTensorTypes)
        }
        return facts
    }

    /// Whether `url` names a GGUF file (by its extension, as llama.cpp's tools name them).
    public static func isGGUF(_ url: URL) -> Bool {
        url.pathExtension.lowercased() == "gguf"
    }

    /// `LlamaFileType` of the `gguf` package (llama.cpp's `llama_ftype`) without its `MOSTLY_`
    /// prefix; a value with the `GUESSED` flag (1024) is named with a ` (guessed)` suffix, and an
    /// unknown value as `file_type <n>`.
    public static func fileTypeName(_ value: Int) -> String {
        let guessed = 1024
        if value >= guessed, value & guessed != 0 { return fileTypeName(value & ~guessed) + " (guessed)" }
        return fileTypeNames[value] ?? "file_type \(value)"
    }

    static let fileTypeNames: [Int: String] = [
        0: "ALL_F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K",
        11: "Q3_K_S", 12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K",
        19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS", 23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL", 26: "IQ3_S",
        27: "IQ3_M", 28: "IQ2_S", 29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16", 36: "TQ1_0", 37: "TQ2_0",
        38: "MXFP4_MOE", 39: "NVFP4", 40: "Q1_0",
    ]

    /// The tensor counts as `TYPE=count`, sorted by type name: how the lockfile records them.
    public var tensorTypeList: [String] {
        tensorTypes.keys.sorted().map { "\($0)=\(tensorTypes[$0] ?? 0)" }
    }

    /// The quantization as the engine's identity names it: the file type, else the tensor types.
    public var quantizationLabel: String {
        quantization ?? tensorTypeList.joined(separator: ",")
    }
}
