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
