import Foundation
import Testing
@testable import ArenaRuntime

/// Rows keep the order of their keys from the files they were read from (`LoadedSplit.keyOrder`),
/// as `datasets` would hand them to lm-eval: a Parquet schema's field order (checked against
/// pyarrow's own reading), a JSON file's order of first appearance, a CSV header's order.
@Suite struct RowKeyOrderTests {
    static func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("key-order-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func parquetRowsKeepTheSchemasOrderAsPyarrowReadsThem() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("drop.parquet")
        let script = """
            import json, sys, pyarrow as pa, pyarrow.parquet as pq
            date = pa.struct([("day", pa.string()), ("month", pa.string()), ("year", pa.string())])
            answer = pa.struct([("number", pa.string()), ("date", date), ("spans", pa.list_(pa.string()))])
            schema = pa.schema([("query_id", pa.string()), ("passage", pa.string()), ("answer", answer),
                                ("validated_answers", pa.list_(answer))])
            rows = [{"query_id": "q1", "passage": "p", "answer": {"number": "3", "date": {"day": "", "month": "", "year": ""}, "spans": []},
                     "validated_answers": [{"number": "", "date": {"day": "1", "month": "June", "year": "1902"}, "spans": ["x"]}]}]
            pq.write_table(pa.Table.from_pylist(rows, schema=schema), sys.argv[1])
            for row in pq.read_table(sys.argv[1]).to_pylist():
                print(json.dumps(row, separators=(",", ":")))
            """
        let output = try TestPython.run(["-c", script, file.path])
        #expect(output.status == 0, "\(String(decoding: output.stderr, as: UTF8.self))")
        let expected = String(decoding: output.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
        let split = try DatasetLoader.loadLocal(path: file.path, split: "validation")
        #expect(split.keyOrder.keys == ["query_id", "passage", "answer", "validated_answers"])
        #expect(split.keyOrder.fields["answer"]?.keys == ["number", "date", "spans"])
        #expect(split.rows.map { $0.serialized(indent: nil, keyOrder: split.keyOrder) } == expected)
        // The canonical form (hashed, recorded) still sorts.
        #expect(split.rows.first?.serialized(indent: nil).hasPrefix("{\"answer\":{\"date\":") == true)
    }

    @Test func jsonFilesKeepEachKeysFirstAppearanceAndCSVItsHeader() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let lines = [#"{"q":"a","answer":{"number":"1","date":{"year":"","day":""},"spans":[]},"list":[{"z":1,"y":2}]}"#,
                     #"{"extra":true,"q":"b","answer":{"spans":["s"],"number":"","date":{"year":"1","day":"2"}},"list":[]}"#]
        let jsonl = dir.appendingPathComponent("rows.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(to: jsonl, atomically: true, encoding: .utf8)
        let split = try DatasetLoader.loadLocal(path: jsonl.path, split: "test")
        #expect(split.keyOrder.keys == ["q", "answer", "list", "extra"])
        #expect(split.keyOrder.fields["answer"]?.keys == ["number", "date", "spans"])
        #expect(split.keyOrder.fields["list"]?.elements?.keys == ["z", "y"])
        #expect(split.rows[0].serialized(indent: nil, keyOrder: split.keyOrder) == lines[0])
        #expect(split.rows[1].serialized(indent: nil, keyOrder: split.keyOrder)
                == #"{"q":"b","answer":{"number":"","date":{"year":"1","day":"2"},"spans":["s"]},"list":[],"extra":true}"#)

        let array = dir.appendingPathComponent("rows.json")
        try ("[" + lines.joined(separator: ",") + "]").write(to: array, atomically: true, encoding: .utf8)
        #expect(try DatasetLoader.loadLocal(path: array.path, split: "test").keyOrder == split.keyOrder)

        let csv = dir.appendingPathComponent("rows.csv")
        try "question,answer,id\nq,a,1\n".write(to: csv, atomically: true, encoding: .utf8)
        let table = try DatasetLoader.loadLocal(path: csv.path, split: "test")
        #expect(table.keyOrder.keys == ["question", "answer", "id"])
        #expect(table.rows[0].serialized(indent: nil, keyOrder: table.keyOrder) == #"{"question":"q","answer":"a","id":"1"}"#)
    }
}
