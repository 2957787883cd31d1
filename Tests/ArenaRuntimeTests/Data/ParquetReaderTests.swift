import Foundation
import Testing
@testable import ArenaRuntime

@Suite struct ParquetReaderTests {
    /// Every committed fixture reads to exactly the rows pyarrow read back when it wrote the file.
    @Test(arguments: DataFixtures.parquetNames())
    func fixtureMatchesPyarrowRows(_ name: String) throws {
        let file = DataFixtures.parquetDirectory.appendingPathComponent(name + ".parquet")
        let expected = try expectedRows(DataFixtures.parquetDirectory.appendingPathComponent(name + ".json"))
        let rows = try ParquetFile.readRows(at: file)
        #expect(rows.count == expected.count)
        for (index, (row, want)) in zip(rows, expected).enumerated() {
            #expect(row == want, "row \(index) of \(name)")
        }
    }

    @Test func fixtureSetCoversEveryCodecDictionaryAndPageVersion() {
        let names = Set(DataFixtures.parquetNames())
        for codec in ["none", "snappy", "zstd", "gzip"] {
            for dictionary in ["dict", "plain"] {
                for version in ["v1", "v2"] {
                    #expect(names.contains("truthfulqa_mc_\(codec)_\(dictionary)_\(version)"))
                    #expect(names.contains("arc_\(codec)_\(dictionary)_\(version)"))
                    #expect(names.contains("scalars_\(codec)_\(dictionary)_\(version)"))
                }
            }
        }
        #expect(names.contains("scalars_delta_v2"))
    }

    /// The matrix fixtures really have several row groups, and columns of several data pages.
    @Test(arguments: ["truthfulqa_mc_zstd_dict_v2", "arc_gzip_plain_v1", "scalars_snappy_dict_v1", "scalars_none_plain_v2"])
    func fixturesSpanRowGroupsAndPages(_ name: String) throws {
        let file = try ParquetFile(contentsOf: DataFixtures.parquetDirectory.appendingPathComponent(name + ".parquet"))
        #expect(file.rowGroupCount > 1)
        let pages = try file.dataPageCounts()
        #expect(pages.flatMap { $0 }.contains { $0 > 1 })
    }

    @Test func nestedStructOfListsComesBackAsObjectsAndArrays() throws {
        let rows = try ParquetFile.readRows(at: DataFixtures.parquetDirectory.appendingPathComponent("truthfulqa_mc_snappy_dict_v1.parquet"))
        let first = try #require(rows.first)
        #expect(first["mc1_targets"]?["labels"] == .array([.int(1), .int(0), .int(0)]))
        #expect(first["mc1_targets"]?["choices"]?.arrayValue?.count == 3)
        #expect(rows[2]["mc1_targets"] == .null)
        #expect(rows[2]["mc2_targets"]?["choices"] == .null)
        #expect(rows[3]["question"] == .null)
        #expect(rows[3]["mc1_targets"]?["choices"] == .array([]))
    }
}
