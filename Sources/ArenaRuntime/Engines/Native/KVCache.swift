/// Keys and values of every layer for the positions of one sequence computed so far.
/// Layout per layer: [capacity, keyValueHeads * headDim], row-major.
final class KVCache {
    let capacity: Int
    let width: Int
    private(set) var keys: [UnsafeMutablePointer<Float>]
    private(set) var values: [UnsafeMutablePointer<Float>]
    /// Positions filled so far.
    var count = 0

    init(config: NativeModelConfig, capacity: Int) {
        self.capacity = capacity
        width = config.keyValueHeadCount * config.headDim
        let size = capacity * width
        keys = (0 ..< config.layerCount).map { _ in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: size)
            p.initialize(repeating: 0, count: size)
            return p
        }
        values = (0 ..< config.layerCount).map { _ in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: size)
            p.initialize(repeating: 0, count: size)
            return p
        }
    }

    deinit {
        for p in keys { p.deallocate() }
        for p in values { p.deallocate() }
    }
}

/// Scratch memory freed when the owning scope ends.
final class ScratchBuffer {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    init(_ count: Int) {
        self.count = max(count, 1)
        pointer = .allocate(capacity: self.count)
        pointer.initialize(repeating: 0, count: self.count)
    }

    deinit { pointer.deallocate() }
}
