@testable import ArenaRuntime
import Foundation
import Testing

/// Inconsistent GGUF files: each is refused with the file, the byte offset and the field at fault.
@Suite("GGUF reader on bad files")
struct GGUFBadFileTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var offset: Int
        var field: String
        var reason: String
        var build: @Sendable (inout GGUFBuilder) -> Void
        var testDescription: String { name }
    }

    /// A header, one key and one F32 tensor, each part replaceable.
    static func file(version: UInt32 = 3, keys: [(String, GGUFValue)] = [("general.architecture", .string("llama"))],
                     tensor: (dims: [Int], type: UInt32, offset: Int) = ([4], 0, 0), extraTensor: Bool = false,
                     data: Int = 16) -> GGUFBuilder {
        var b = GGUFBuilder()
        b.header(version: version, tensors: extraTensor ? 2 : 1, keys: keys.count)
        for (key, value) in keys { b.keyValue(key, value) }
        b.tensorInfo("w", dimensions: tensor.dims, type: tensor.type, offset: tensor.offset)
        if extraTensor { b.tensorInfo("v", dimensions: [4], type: 0, offset: 0) }
        b.pad(to: 32)
        b.bytes += [UInt8](repeating: 0, count: data)
        return b
    }

    // Offsets: header 24 bytes; the key "general.architecture" (8 + 20) then its type (4) and value.
    static let afterKey = 24 + 8 + 20 + 4 + 8 + 5
    static let cases: [Case] = [
        Case(name: "bad magic", offset: 0, field: "header.magic", reason: "expected the bytes 'GGUF'") { b in b.bytes[0] = 0x47; b.bytes[3] = 0x47 },
        Case(name: "version 1", offset: 4, field: "header.version", reason: "version 1 is not supported") { b in b = file(version: 1) },
        Case(name: "version 4", offset: 4, field: "header.version", reason: "version 4 is not supported") { b in b = file(version: 4) },
        Case(name: "big-endian", offset: 4, field: "header.version", reason: "big-endian") { b in b = file(version: UInt32(3).byteSwapped) },
        Case(name: "unknown value type", offset: 24 + 28, field: "metadata 'general.architecture' (value type)", reason: "unknown value type 13") { b in
            b.bytes[24 + 28] = 13
        },
        Case(name: "string longer than the file", offset: 24 + 32, field: "metadata 'general.architecture'", reason: "truncated") { b in
            b.bytes[24 + 32 + 2] = 1
        },
        Case(name: "invalid UTF-8", offset: 24 + 32, field: "metadata 'general.architecture'", reason: "not valid UTF-8") { b in
            b.bytes[24 + 32 + 8] = 0xFF
        },
        Case(name: "bool that is neither 0 nor 1", offset: 24 + 8 + 4 + 4, field: "metadata 'flag'", reason: "must be 0 or 1") { b in
            b = file(keys: [("flag", .bool(true))])
            b.bytes[24 + 8 + 4 + 4] = 2
        },
        Case(name: "array count the file cannot hold", offset: 24 + 8 + 1 + 4 + 4, field: "metadata 'a'", reason: "needs at least") { b in
            b = file(keys: [("a", .array(element: .uint64, values: [.uint64(1)]))])
            b.bytes[24 + 8 + 1 + 4 + 4 + 5] = 1
        },
        Case(name: "arrays nested too deep", offset: 24 + 8 + 1 + 4 + 12 * 16, field: "metadata 'a'", reason: "nested deeper than 16") { b in
            var value = GGUFValue.array(element: .uint8, values: [])
            for _ in 0 ..< 16 { value = .array(element: .array, values: [value]) }
            b = file(keys: [("a", value)])
        },
        Case(name: "duplicate key", offset: afterKey, field: "metadata[1].key", reason: "appears twice") { b in
            b = file(keys: [("general.architecture", .string("llama")), ("general.architecture", .string("llama"))])
        },
        Case(name: "alignment of the wrong type", offset: 24 + 8 + 17 + 4, field: "general.alignment", reason: "must be a UINT32, found UINT64") { b in
            b = file(keys: [("general.alignment", .uint64(32))])
        },
        Case(name: "alignment not a power of two", offset: 24 + 8 + 17 + 4, field: "general.alignment", reason: "power of two, found 24") { b in
            b = file(keys: [("general.alignment", .uint32(24))])
        },
        Case(name: "five dimensions", offset: afterKey + 9, field: "tensor[0] 'w'.n_dims", reason: "5 dimensions") { b in
            b = file(tensor: ([1, 1, 1, 1, 4], 0, 0))
        },
        Case(name: "unknown ggml type", offset: afterKey + 9 + 4 + 8, field: "tensor[0] 'w'.type", reason: "unknown ggml type 4") { b in
            b = file(tensor: ([4], 4, 0))
        },
        Case(name: "row not a whole number of blocks", offset: afterKey + 9, field: "tensor[0] 'w'.dimensions[0]", reason: "not a multiple of the Q4_K block size 256") { b in
            b = file(tensor: ([128], GGMLType.q4_K.rawValue, 0))
        },
        Case(name: "unaligned offset", offset: afterKey + 9 + 4 + 8 + 4, field: "tensor[0] 'w'.offset", reason: "not a multiple of the alignment 32") { b in
            b = file(tensor: ([4], 0, 8))
        },
        Case(name: "data past the end", offset: afterKey, field: "tensor 'w' data", reason: "run past the end") { b in
            b = file(data: 15)
        },
        Case(name: "overlapping tensors", offset: afterKey + 33, field: "tensor 'v'.offset", reason: "overlaps tensor 'w'") { b in
            b = file(extraTensor: true)
        },
        Case(name: "duplicate tensor name", offset: afterKey + 33, field: "tensor[1] 'w'.name", reason: "appears twice") { b in
            b = file(extraTensor: true)
            b.bytes[afterKey + 33 + 8] = UInt8(ascii: "w")
        },
    ]

    @Test("refused with the offset and the field", arguments: cases)
    func refused(_ bad: Case) throws {
        var b = Self.file()
        bad.build(&b)
        let url = try b.write()
        #expect {
            _ = try GGUFFile(path: url.path)
        } throws: { error in
            guard case let NativeModelError.invalidGGUF(path, offset, field, reason) = error else { return false }
            let ok = path == url.path && offset == bad.offset && field.contains(bad.field) && reason.contains(bad.reason)
            if !ok { Issue.record("\(bad.name): \(error)") }
            return ok
        }
        // The message a user sees names all three.
        do { _ = try GGUFFile(path: url.path) } catch {
            #expect("\(error)".hasPrefix("\(url.path): byte \(bad.offset): "))
        }
    }

    @Test("the unmodified base file is valid, so each case fails for its own reason")
    func baseIsValid() throws {
        let file = try GGUFFile(path: try Self.file().write().path)
        #expect(file.tensor("w")?.fileRange.count == 16)
    }
}
