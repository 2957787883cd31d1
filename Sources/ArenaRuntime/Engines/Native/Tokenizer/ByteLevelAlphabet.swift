/// GPT-2's reversible map between bytes and printable Unicode characters: printable Latin-1
/// bytes map to themselves, the other 68 bytes to U+0100 onwards, in byte order.
enum ByteLevelAlphabet {
    /// The character standing for each byte.
    static let scalarForByte: [Unicode.Scalar] = {
        var printable = [Bool](repeating: false, count: 256)
        for range in [0x21...0x7E, 0xA1...0xAC, 0xAE...0xFF] { for b in range { printable[b] = true } }
        var next: UInt32 = 0x100
        return (0..<256).map { byte in
            if printable[byte] { return Unicode.Scalar(UInt8(byte)) }
            defer { next += 1 }
            return Unicode.Scalar(next) ?? " "
        }
    }()

    /// UTF-8 bytes of each byte's character, for building byte-level words without a String.
    static let utf8ForByte: [[UInt8]] = scalarForByte.map { Array(String($0).utf8) }

    /// The byte each character stands for (only the 256 alphabet characters are present).
    static let byteForScalar: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for (byte, scalar) in scalarForByte.enumerated() { map[scalar.value] = UInt8(byte) }
        return map
    }()
}

extension Unicode.Scalar {
    /// Appends the scalar's UTF-8 encoding to `bytes` (without building a String).
    func appendUTF8(to bytes: inout [UInt8]) {
        let v = value
        switch v {
        case 0..<0x80:
            bytes.append(UInt8(v))
        case 0x80..<0x800:
            bytes.append(UInt8(0xC0 | (v >> 6)))
            bytes.append(UInt8(0x80 | (v & 0x3F)))
        case 0x800..<0x10000:
            bytes.append(UInt8(0xE0 | (v >> 12)))
            bytes.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            bytes.append(UInt8(0x80 | (v & 0x3F)))
        default:
            bytes.append(UInt8(0xF0 | (v >> 18)))
            bytes.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            bytes.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            bytes.append(UInt8(0x80 | (v & 0x3F)))
        }
    }
}

extension ByteLevelAlphabet {
    /// The vocabulary by the raw bytes each token stands for, for tokens written wholly in the
    /// byte-level alphabet (others are left out).
    static func rawBytes(of vocab: [[UInt8]: Int]) -> [[UInt8]: Int] {
        var raw: [[UInt8]: Int] = [:]
        raw.reserveCapacity(vocab.count)
        for (token, id) in vocab {
            var bytes: [UInt8] = []
            var complete = true
            for scalar in String(decoding: token, as: UTF8.self).unicodeScalars {
                guard let byte = byteForScalar[scalar.value] else { complete = false; break }
                bytes.append(byte)
            }
            if complete { raw[bytes] = id }
        }
        return raw
    }
}
