import Foundation
import Testing
@testable import ArenaRuntime

/// Checks the reader against pyarrow itself (ARENA_TEST_PYTHON), on files written now.
@Suite struct ParquetPyarrowTests {
    /// Re-runs the committed fixture generator into a temporary folder and compares every file's
    /// rows with pyarrow's `to_pylist()` of the same file.
    @Test func regeneratedFixturesMatchPyarrow() async throws {
        let out = try DataFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        try await DataFixtures.runPython([DataFixtures.directory.appendingPathComponent("make_parquet.py").path, out.path])
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".parquet") }.sorted()
        #expect(names.count == DataFixtures.parquetNames().count)
        for name in names {
            let file = out.appendingPathComponent(name)
            let expected = try expectedRows(file.deletingPathExtension().appendingPathExtension("json"))
            let rows = try ParquetFile.readRows(at: file)
            #expect(rows == expected, "\(name)")
        }
    }

    /// The real GSM8K test set, converted to Parquet by pyarrow, reads back row for row as the
    /// JSONL reader reads the original, and as pyarrow reads the Parquet.
    @Test func gsm8kTestSetRoundTripsThroughParquet() async throws {
        let source = DataFixtures.sharedData.appendingPathComponent("gsm8k/test.jsonl")
        let out = try DataFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let parquet = out.appendingPathComponent("test-00000-of-00001.parquet")
        let dumped = out.appendingPathComponent("rows.json")
        try await DataFixtures.runPython([DataFixtures.directory.appendingPathComponent("jsonl_to_parquet.py").path,
                                    source.path, parquet.path, dumped.path])
        let fromJSONL = try DatasetLoader.loadLocal(path: source.path, split: "test").rows
        let fromParquet = try ParquetFile.readRows(at: parquet)
        #expect(fromJSONL.count == 1319)
        #expect(fromParquet.count == fromJSONL.count)
        #expect(fromParquet == fromJSONL)
        #expect(fromParquet == (try expectedRows(dumped)))
        let file = try ParquetFile(contentsOf: parquet)
        #expect(file.columnNames == ["question", "answer"])
    }
}
