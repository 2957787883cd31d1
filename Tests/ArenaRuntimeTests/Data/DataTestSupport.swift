import Foundation
import Testing
@testable import ArenaRuntime

/// Paths and helpers shared by the data tests.
enum DataFixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let directory = root.appendingPathComponent("Fixtures/data")
    static let parquetDirectory = directory.appendingPathComponent("parquet")
    /// `<repo>/../shared/data`, where the real GSM8K and TruthfulQA files live.
    static let sharedData = root.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data")

    /// The committed Parquet fixtures, by name without extension.
    static func parquetNames() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: parquetDirectory.path)) ?? []
        return files.filter { $0.hasSuffix(".parquet") }.map { String($0.dropLast(8)) }.sorted()
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("arena-data-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The test Python (with pyarrow) from `ARENA_TEST_PYTHON`; a missing one is a failure, not a skip.
    static func python() throws -> String { try TestPython.executable() }

    /// Runs the test Python off the concurrency pool (so loopback servers of other tests keep running);
    /// throws with its stderr when it fails.
    static func runPython(_ arguments: [String]) async throws {
        let result = try await TestPython.runOffPool(arguments)
        guard result.status == 0 else {
            throw DataTestError("python \(arguments.joined(separator: " ")) failed: \(String(decoding: result.stderr, as: UTF8.self))")
        }
    }
}

struct DataTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Rows written by a fixture generator as a JSON array next to the Parquet file.
func expectedRows(_ url: URL) throws -> [JSONValue] {
    guard let rows = try JSONValue.parse(Data(contentsOf: url)).arrayValue else {
        throw DataTestError("\(url.path) is not a JSON array")
    }
    return rows
}
