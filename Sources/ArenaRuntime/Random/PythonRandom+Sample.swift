import Foundation

public struct SampleSizeError: Error, CustomStringConvertible, Equatable {
    public let requested: Int
    public let population: Int
    public var description: String {
        "cannot sample \(requested) items from a population of \(population) (Python: Sample larger than population or is negative)"
    }
}

extension PythonRandom {
    /// Indices CPython's `random.sample(range(populationCount), k)` would pick, in pick order.
    /// Both of CPython's branches are reproduced: a pool list when the population is no larger
    /// than the set it would otherwise build (`setsize`), rejection against a set of picks otherwise.
    public mutating func sampleIndices(populationCount n: Int, count k: Int) throws -> [Int] {
        guard k >= 0, k <= n else { throw SampleSizeError(requested: k, population: n) }
        var result: [Int] = []
        result.reserveCapacity(k)
        if n <= Self.sampleSetSize(k) {
            var pool = Array(0..<n)
            for i in 0..<k {
                let j = try randbelow(n - i)
                result.append(pool[j])
                pool[j] = pool[n - i - 1]
            }
        } else {
            var selected = Set<Int>()
            for _ in 0..<k {
                var j = try randbelow(n)
                while selected.contains(j) { j = try randbelow(n) }
                selected.insert(j)
                result.append(j)
            }
        }
        return result
    }

    /// `random.sample(population, k)`.
    public mutating func sample<T>(_ population: [T], count k: Int) throws -> [T] {
        try sampleIndices(populationCount: population.count, count: k).map { population[$0] }
    }

    /// CPython's threshold: `21`, plus `4 ** ceil(log(k * 3, 4))` when k > 5.
    static func sampleSetSize(_ k: Int) -> Int {
        var setsize = 21
        if k > 5 {
            let exponent = Int((Foundation.log(Double(k * 3)) / Foundation.log(4.0)).rounded(.up))
            var power = 1
            for _ in 0..<exponent { power *= 4 }
            setsize += power
        }
        return setsize
    }
}
