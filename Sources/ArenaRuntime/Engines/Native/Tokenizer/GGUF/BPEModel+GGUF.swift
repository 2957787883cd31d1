extension BPEModel {
    /// A byte-level BPE model from a GGUF vocabulary: merges ranked by their order, the first of
    /// a repeated pair kept (as llama.cpp's `bpe_ranks`), merges whose tokens are not all in the
    /// vocabulary left out.
    init(tokenIds: [[UInt8]: Int], merges mergeList: [(left: [UInt8], right: [UInt8])], ignoreMerges: Bool) {
        var charIds: [UInt32: Int] = [:]
        for (token, id) in tokenIds {
            let scalars = String(decoding: token, as: UTF8.self).unicodeScalars
            if scalars.count == 1, let scalar = scalars.first { charIds[scalar.value] = id }
        }
        var merges: [UInt64: (rank: Int32, id: Int32)] = [:]
        merges.reserveCapacity(mergeList.count)
        for (rank, pair) in mergeList.enumerated() {
            guard let left = tokenIds[pair.left], let right = tokenIds[pair.right], let merged = tokenIds[pair.left + pair.right] else { continue }
            let key = Self.key(left, right)
            if merges[key] == nil { merges[key] = (Int32(rank), Int32(merged)) }
        }
        vocab = tokenIds
        self.charIds = charIds
        self.merges = merges
        unkId = nil
        byteFallback = false
        fuseUnk = false
        self.ignoreMerges = ignoreMerges
        byteTokenIds = Array(repeating: nil, count: 256)
    }
}
