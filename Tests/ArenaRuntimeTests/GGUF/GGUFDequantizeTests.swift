@testable import ArenaRuntime
import Foundation
import Testing

/// Dequantization, bit for bit against the `gguf` package's numpy `gguf.quants.dequantize`
/// (Tests/Fixtures/native/gguf_quants.py), on random blocks of every type and on the real models.
@Suite("GGUF dequantization")
struct GGUFDequantizeTests {
    static let script = NativeTestSupport.repositoryRoot.appendingPathComponent("Tests/Fixtures/native/gguf_quants.py")

    /// Per tensor, the differences between our values and numpy's (compared through SHA-256 of the
    /// little-endian float32 bytes, with the first values shown on a mismatch).
    static func differences(_ url: URL) throws -> (checked: Set<GGMLType>, found: [String]) {
        let file = try GGUFFile(path: url.path)
        guard let expected = try JSONValue.parse(NativeTestSupport.runPython(script, ["digests", url.path])).arrayValue else {
            throw NativeTestSupport.Failure(description: "gguf_quants.py did not print a list")
        }
        var checked = Set<GGMLType>(), found: [String] = []
        for entry in expected {
            guard let name = entry["name"]?.stringValue, let tensor = file.tensor(name) else {
                found.append("numpy read a tensor we do not have: \(entry)")
                continue
            }
            let values = try file.floats(tensor)
            let digest = values.withUnsafeBytes { bytes in
                var hasher = SHA256Hasher()
                hasher.update(bytes)
                return hasher.finalizeHex()
            }
            checked.insert(tensor.type)
            if entry["count"]?.intValue != values.count || entry["sha256"]?.stringValue != digest {
                let head = values.prefix(8).map { String($0.bitPattern, radix: 16) }
                found.append("\(name) (\(tensor.type)): ours \(head), numpy's \(entry["head"]?.serialized(indent: nil) ?? "")")
            }
        }
        #expect(expected.count == file.tensors.filter { !$0.name.hasPrefix("unsupported.") }.count)
        return (checked, found)
    }

    @Test("random blocks of every supported type, bit-equal to numpy", arguments: [1, 2, 3])
    func generated(seed: Int) throws {
        let url = try NativeTestSupport.temporaryFolder().appendingPathComponent("random.gguf")
        try NativeTestSupport.runPython(Self.script, ["generate", url.path, String(seed)])
        let (checked, found) = try Self.differences(url)
        #expect(checked == Set(GGUFDequantize.supported), "types checked: \(checked.map(\.name).sorted())")
        #expect(found.isEmpty, "\(found)")
    }

    @Test("an unsupported type is an error naming the tensor and the type")
    func unsupportedType() throws {
        let url = try NativeTestSupport.temporaryFolder().appendingPathComponent("random.gguf")
        try NativeTestSupport.runPython(Self.script, ["generate", url.path, "4"])
        let file = try GGUFFile(path: url.path)
        let tensor = try #require(file.tensor("unsupported.iq4_nl"))
        #expect(throws: NativeModelError.unsupportedTensorType(path: url.path, tensor: "unsupported.iq4_nl", type: "IQ4_NL",
                                                              supported: GGUFDequantize.supported.map(\.name))) {
            _ = try file.floats(tensor)
        }
        do { _ = try file.floats(tensor) } catch {
            #expect("\(error)".contains("tensor 'unsupported.iq4_nl' has type IQ4_NL"))
        }
    }

    @Test("every tensor of SmolLM2 (Q4_1, Q8_0, F32), bit-equal to numpy")
    func smolLM2() throws {
        let (checked, found) = try Self.differences(try TestModels.path(TestModels.smolLM2))
        #expect(checked == [.f32, .q4_1, .q8_0])
        #expect(found.isEmpty, "\(found.prefix(10))")
    }

    @Test("every tensor of Gemma 3 (Q4_K, Q6_K, Q5_0, Q8_0, F32), bit-equal to numpy")
    func gemma3() throws {
        let (checked, found) = try Self.differences(try TestModels.path(TestModels.gemma3))
        #expect(checked == [.f32, .q4_K, .q6_K, .q5_0, .q8_0])
        #expect(found.isEmpty, "\(found.prefix(10))")
    }
}
