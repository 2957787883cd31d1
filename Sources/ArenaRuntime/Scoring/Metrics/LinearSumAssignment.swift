/// The rectangular assignment problem that scipy's `linear_sum_assignment` solves: pick at most
/// one column per row and one row per column, min(rows, columns) pairs, maximising the sum.
/// Hungarian algorithm with potentials, O(n²m).
public enum LinearSumAssignment {
    /// Pairs (row, column) of an assignment with the largest total of `scores[row][column]`,
    /// sorted by row. `scores` must be rectangular.
    public static func maximize(_ scores: [[Double]]) -> [(row: Int, column: Int)] {
        let rows = scores.count
        guard rows > 0, let columns = scores.first?.count, columns > 0 else { return [] }
        if rows > columns {
            let transposed = (0..<columns).map { c in (0..<rows).map { r in scores[r][c] } }
            return maximize(transposed).map { (row: $0.column, column: $0.row) }.sorted { $0.row < $1.row }
        }
        // Minimise the negated scores; rows (n) ≤ columns (m). Index 0 is the virtual start.
        let n = rows, m = columns
        var u = [Double](repeating: 0, count: n + 1)
        var v = [Double](repeating: 0, count: m + 1)
        var rowOfColumn = [Int](repeating: 0, count: m + 1)
        var way = [Int](repeating: 0, count: m + 1)
        for row in 1...n {
            rowOfColumn[0] = row
            var column0 = 0
            var minimum = [Double](repeating: .infinity, count: m + 1)
            var used = [Bool](repeating: false, count: m + 1)
            repeat {
                used[column0] = true
                let row0 = rowOfColumn[column0]
                var delta = Double.infinity
                var column1 = 0
                for column in 1...m where !used[column] {
                    let reduced = -scores[row0 - 1][column - 1] - u[row0] - v[column]
                    if reduced < minimum[column] { minimum[column] = reduced; way[column] = column0 }
                    if minimum[column] < delta { delta = minimum[column]; column1 = column }
                }
                for column in 0...m {
                    if used[column] { u[rowOfColumn[column]] += delta; v[column] -= delta } else { minimum[column] -= delta }
                }
                column0 = column1
            } while rowOfColumn[column0] != 0
            repeat {
                let column1 = way[column0]
                rowOfColumn[column0] = rowOfColumn[column1]
                column0 = column1
            } while column0 != 0
        }
        var pairs: [(row: Int, column: Int)] = []
        for column in 1...m where rowOfColumn[column] != 0 {
            pairs.append((row: rowOfColumn[column] - 1, column: column - 1))
        }
        return pairs.sorted { $0.row < $1.row }
    }
}

/// numpy's summation of a float64 array (`np.sum`, and so `np.mean`): pairwise, with eight
/// accumulators inside blocks of up to 128 values.
public enum NumpySum {
    public static func sum(_ values: [Double]) -> Double {
        pairwise(values[...])
    }

    public static func mean(_ values: [Double]) -> Double {
        sum(values) / Double(values.count)
    }

    private static func pairwise(_ a: ArraySlice<Double>) -> Double {
        let n = a.count
        let base = a.startIndex
        if n < 8 {
            var result = 0.0
            for value in a { result += value }
            return result
        }
        if n <= 128 {
            var r = (0..<8).map { a[base + $0] }
            var i = 8
            while i < n - n % 8 {
                for j in 0..<8 { r[j] += a[base + i + j] }
                i += 8
            }
            var result = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < n { result += a[base + i]; i += 1 }
            return result
        }
        var half = n / 2
        half -= half % 8
        return pairwise(a.prefix(half)) + pairwise(a.dropFirst(half))
    }
}
