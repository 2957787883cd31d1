@testable import ArenaRuntime
import Foundation
import Testing

/// The GGUF reader on the two real models and on crafted files, against the `gguf` package's
/// GGUFReader (Tests/Fixtures/native/gguf_dump.py).
@Suite("GGUF reader")
struct GGUFReaderTests {
    @Test("SmolLM2's metadata and tensors as the gguf package reads them")
    func smolLM2() throws {
        let url = try TestModels.path(TestModels.smolLM2)
        let file = try GGUFFile(path: url.path)
        #expect(file.version == 3)
        #expect(file["general.architecture"] == .string("llama"))
        #expect(file["llama.block_count"]?.intValue == 30)
        #expect(file["llama.embedding_length"]?.intValue == 576)
        #expect(file["llama.attention.head_count"]?.intValue == 9)
        #expect(file["llama.attention.head_count_kv"]?.intValue == 3)
        #expect(file["tokenizer.ggml.pre"] == .string("smollm"))
        #expect(file["tokenizer.ggml.tokens"]?.arrayValues?.count == 49152)
        #expect(file.tensors.count == 272)
        let embedding = try #require(file.tensor("token_embd.weight"))
        #expect(embedding.type == .q8_0 && embedding.dimensions == [576, 49152] && embedding.shape == [49152, 576])
        #expect(file.tensor("blk.29.ffn_down.weight")?.type == .q4_1)
        let differences = GGUFTestSupport.differences(file, try GGUFTestSupport.pythonReading(url))
        #expect(differences.isEmpty, "\(differences.prefix(20))")
    }

    @Test("Gemma 3's metadata and tensors as the gguf package reads them")
    func gemma3() throws {
        let url = try TestModels.path(TestModels.gemma3)
        let file = try GGUFFile(path: url.path)
        #expect(file["general.architecture"] == .string("gemma3"))
        #expect(file["gemma3.block_count"]?.intValue == 18)
        #expect(file["gemma3.attention.key_length"]?.intValue == 256)
        #expect(file["gemma3.attention.sliding_window"]?.intValue == 512)
        #expect(file["tokenizer.ggml.model"] == .string("llama"))
        #expect(file["tokenizer.ggml.scores"]?.arrayValues?.count == 262_144)
        #expect(file.tensors.count == 236)
        let types = Set(file.tensors.map(\.type))
        #expect(types == [.f32, .q5_0, .q8_0, .q4_K, .q6_K])
        let differences = GGUFTestSupport.differences(file, try GGUFTestSupport.pythonReading(url))
        #expect(differences.isEmpty, "\(differences.prefix(20))")
    }

    /// Every value type, empty and nested arrays, a custom alignment, version 2.
    static func everyValueType(version: UInt32) -> GGUFBuilder {
        let values: [(String, GGUFValue)] = [
            ("t.u8", .uint8(250)), ("t.i8", .int8(-7)), ("t.u16", .uint16(65000)), ("t.i16", .int16(-30000)),
            ("t.u32", .uint32(4_000_000_000)), ("t.i32", .int32(-2_000_000_000)), ("t.f32", .float32(-1.5e-7)),
            ("t.bool", .bool(true)), ("t.string", .string("héllo ✓ 𝄞")), ("t.empty", .string("")),
            ("t.u64", .uint64(UInt64.max)), ("t.i64", .int64(Int64.min)), ("t.f64", .float64(.pi)),
            ("t.ints", .array(element: .int32, values: [.int32(1), .int32(-2), .int32(3)])),
            ("t.strings", .array(element: .string, values: [.string("a"), .string(""), .string("ü")])),
            ("t.none", .array(element: .float32, values: [])),
            ("t.nested", .array(element: .array, values: [
                .array(element: .uint8, values: [.uint8(1), .uint8(2)]),
                .array(element: .uint8, values: []),
                .array(element: .uint8, values: [.uint8(3)]),
            ])),
            ("t.bools", .array(element: .bool, values: [.bool(false), .bool(true)])),
            ("general.alignment", .uint32(64)),
        ]
        var b = GGUFBuilder()
        b.header(version: version, tensors: 2, keys: values.count)
        for (key, value) in values { b.keyValue(key, value) }
        b.tensorInfo("a", dimensions: [3, 2], type: GGMLType.f32.rawValue, offset: 0)
        b.tensorInfo("b", dimensions: [64], type: GGMLType.q8_0.rawValue, offset: 64)
        b.pad(to: 64)
        b.bytes += [UInt8](repeating: 1, count: 24) + [UInt8](repeating: 0, count: 40) + [UInt8](repeating: 2, count: 68)
        return b
    }

    @Test("every value type, nested arrays and a custom alignment, in versions 2 and 3", arguments: [UInt32(2), 3])
    func craftedValues(version: UInt32) throws {
        let url = try Self.everyValueType(version: version).write()
        let file = try GGUFFile(path: url.path)
        #expect(file.version == version && file.alignment == 64)
        #expect(file["t.f64"] == .float64(.pi) && file["t.i64"] == .int64(Int64.min))
        #expect(file["t.nested"]?.arrayValues?.map { $0.arrayValues?.count } == [2, 0, 1])
        #expect(file["t.none"] == .array(element: .float32, values: []))
        #expect(file.dataOffset % 64 == 0)
        #expect(file.tensor("b")?.fileRange == file.dataOffset + 64 ..< file.dataOffset + 132)
        let differences = GGUFTestSupport.differences(file, try GGUFTestSupport.pythonReading(url))
        #expect(differences.isEmpty, "\(differences)")
    }

    @Test("every truncation of a valid file is an error naming an offset inside the file, never a crash")
    func everyTruncation() throws {
        let whole = Self.everyValueType(version: 3).bytes
        for length in stride(from: 0, to: whole.count, by: 1) {
            var cut = GGUFBuilder()
            cut.bytes = Array(whole[..<length])
            let url = try cut.write()
            do {
                _ = try GGUFFile(path: url.path)
                Issue.record("a file cut to \(length) of \(whole.count) bytes was accepted")
            } catch let NativeModelError.invalidGGUF(path, offset, field, reason) {
                #expect(path == url.path && offset <= length && !field.isEmpty, "\(length): \(offset) \(field)")
                #expect(reason.contains("truncated"), "\(length): \(field): \(reason)")
            }
            try? FileManager.default.removeItem(at: url.deletingLastPathComponent())
        }
    }
}
