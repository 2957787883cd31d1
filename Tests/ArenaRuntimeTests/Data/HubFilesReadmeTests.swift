import Foundation
import Testing
@testable import ArenaRuntime

extension MiniYAML {
    var json: JSONValue {
        switch self {
        case let .scalar(s): return .string(s)
        case let .list(items): return .array(items.map(\.json))
        case let .map(fields): return .object(Dictionary(fields.map { ($0.0, $0.1.json) }, uniquingKeysWith: { $1 }))
        }
    }
}

@Suite struct HubFilesReadmeTests {
    static let cards = DataFixtures.directory.appendingPathComponent("cards")

    /// The front matter's `configs` section reads as PyYAML reads it (all scalars compared as text).
    @Test(arguments: ["gsm8k.md", "mixed.md"])
    func configsSectionMatchesPyYAML(_ card: String) async throws {
        let path = Self.cards.appendingPathComponent(card).path
        let out = try DataFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let dumped = out.appendingPathComponent("configs.json")
        try await DataFixtures.runPython(["-c", """
            import json, sys, yaml
            text = open(sys.argv[1], encoding='utf-8').read()
            front = yaml.safe_load(text.split('---')[1])
            def strings(v):
                if isinstance(v, dict): return {str(k): strings(x) for k, x in v.items()}
                if isinstance(v, list): return [strings(x) for x in v]
                return str(v) if not isinstance(v, bool) else str(v).lower()
            json.dump(strings(front['configs']), open(sys.argv[2], 'w'))
            """, path, dumped.path])
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let end = try #require(lines.dropFirst().firstIndex(of: "---"))
        var reader = MiniYAMLReader(lines: Array(lines[1..<end]))
        let document = reader.document()
        let front = try #require(document)
        guard case let .map(top) = front, let configs = top.first(where: { $0.0 == "configs" })?.1 else {
            Issue.record("no configs section read")
            return
        }
        let expected = try JSONValue.parse(Data(contentsOf: dumped))
        #expect(configs.json == expected)
    }

    @Test func splitsAndPatternsOfEachForm() throws {
        let mixed = try #require(HubFilesReadme(try String(contentsOf: Self.cards.appendingPathComponent("mixed.md"), encoding: .utf8)))
        #expect(mixed.configs["default"] == ["validation": ["data/dev-*.parquet", "extra/#notacomment.parquet"],
                                             "test": ["data/test-0.parquet", "data/test-1.parquet"]])
        #expect(mixed.configs["flat"] == ["train": ["flat/**/*.jsonl"]])
        #expect(mixed.configs["listed"] == ["train": ["listed/a.csv", "listed/b.csv"]])
        #expect(mixed.configs["bymap"] == ["train": ["bymap/train.parquet"], "test": ["bymap/test-a.parquet", "bymap/test-b.parquet"]])
        let gsm8k = try #require(HubFilesReadme(try String(contentsOf: Self.cards.appendingPathComponent("gsm8k.md"), encoding: .utf8)))
        let paths = ["main/test-00000-of-00001.parquet", "main/train-00000-of-00001.parquet", "socratic/test-00000-of-00001.parquet"]
        #expect(gsm8k.files(paths, config: "main", split: "test") == ["main/test-00000-of-00001.parquet"])
        #expect(gsm8k.files(paths, config: "main", split: "validation") == nil)
        #expect(gsm8k.files(paths, config: "other", split: "test") == nil)
        #expect(HubFilesReadme("# no front matter") == nil)
        #expect(HubFilesReadme("---\nlicense: mit\n---\n") == nil)
    }

    @Test(arguments: [
        ("main/test-*", "main/test-00000-of-00001.parquet", true),
        ("main/test-*", "main/sub/test-0.parquet", false),
        ("main/test-*", "main/train-0.parquet", false),
        ("data/**/*.parquet", "data/a/b/c.parquet", true),
        ("data/**/*.parquet", "data/c.parquet", true),
        ("**/test-*.parquet", "x/y/test-1.parquet", true),
        ("data/test-?.parquet", "data/test-1.parquet", true),
        ("data/test-[0-4].parquet", "data/test-7.parquet", false),
        ("data/test-[!0-4].parquet", "data/test-7.parquet", true),
        ("./data/x.csv", "data/x.csv", true),
    ])
    func globMatching(_ pattern: String, _ path: String, _ expected: Bool) {
        #expect(HubGlob.matches(pattern, path) == expected)
    }
}
