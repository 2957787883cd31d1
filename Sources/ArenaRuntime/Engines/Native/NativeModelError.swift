import Foundation

/// Why a model folder could not be loaded or run by the native engine. Every case names the file,
/// field or tensor at fault.
public enum NativeModelError: Error, CustomStringConvertible, Equatable {
    case unreadableFile(path: String, reason: String)
    case invalidConfig(path: String, field: String, reason: String)
    case unsupportedConfig(path: String, field: String, value: String)
    case invalidSafetensors(path: String, reason: String)
    case invalidGGUF(path: String, offset: Int, field: String, reason: String)
    case unsupportedTensorType(path: String, tensor: String, type: String, supported: [String])
    case missingTensor(name: String, searched: String)
    case wrongShape(path: String, tensor: String, expected: [Int], found: [Int])
    case unsupportedDType(path: String, tensor: String, dtype: String)
    case invalidTokens(reason: String)
    case sequenceTooLong(length: Int, limit: Int, reason: String)

    public var description: String {
        switch self {
        case let .unreadableFile(path, reason):
            return "\(path): cannot read: \(reason)"
        case let .invalidConfig(path, field, reason):
            return "\(path): field '\(field)': \(reason)"
        case let .unsupportedConfig(path, field, value):
            return "\(path): field '\(field)' = \(value) is not supported by the native engine"
        case let .invalidSafetensors(path, reason):
            return "\(path): not a valid safetensors file: \(reason)"
        case let .invalidGGUF(path, offset, field, reason):
            return "\(path): byte \(offset): \(field): not a valid GGUF file: \(reason)"
        case let .unsupportedTensorType(path, tensor, type, supported):
            return "\(path): tensor '\(tensor)' has type \(type), which the native engine cannot convert; supported: \(supported.joined(separator: ", "))"
        case let .missingTensor(name, searched):
            return "tensor '\(name)' not found in \(searched)"
        case let .wrongShape(path, tensor, expected, found):
            return "\(path): tensor '\(tensor)' has shape \(found), expected \(expected)"
        case let .unsupportedDType(path, tensor, dtype):
            return "\(path): tensor '\(tensor)' has dtype \(dtype); supported: F32, F16, BF16"
        case let .invalidTokens(reason):
            return "invalid token ids: \(reason)"
        case let .sequenceTooLong(length, limit, reason):
            return "sequence of \(length) tokens exceeds \(limit): \(reason)"
        }
    }
}
