import Foundation
@testable import ArenaRuntime

/// Paths and the Python peer for the tokenizer tests.
enum TokenizerTestSupport {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = repositoryRoot.appendingPathComponent("Tests/Fixtures/tokenizer")

    /// The test virtual environment's python, or an error saying how to get one.
    static func python() throws -> String { try TestPython.executable() }

    /// Runs a Python script with the test python; returns its standard output.
    @discardableResult
    static func runPython(_ arguments: [String]) throws -> String {
        String(decoding: try TestPython.output(arguments), as: UTF8.self)
    }

    static func temporaryDirectory(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("arena-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The `tokenizers` library's outputs over the parity corpus (Tests/Fixtures/tokenizer/reference.py),
    /// computed once per test run.
    static let reference: Result<(folder: URL, expected: JSONValue), any Error> = Result {
        let folder = try temporaryDirectory("tokenizer-reference")
        try runPython([fixtures.appendingPathComponent("reference.py").path, folder.path])
        let expected = try JSONValue.parse(Data(contentsOf: folder.appendingPathComponent("expected.json")))
        return (folder, expected)
    }

    /// The texts the reference was computed on: parity_corpus.json plus random texts.
    static func corpus() throws -> [String] {
        let (_, expected) = try reference.get()
        return expected["corpus"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    static func ints(_ value: JSONValue?) -> [Int] { value?.arrayValue?.compactMap(\.intValue) ?? [] }
}
