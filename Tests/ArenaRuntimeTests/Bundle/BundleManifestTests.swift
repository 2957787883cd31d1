import Foundation
import Testing
@testable import ArenaRuntime

@Suite struct BundleManifestTests {
    private func makeBundle() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("bundle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("samples"), withIntermediateDirectories: true)
        try AtomicFile.write("{\"results\": {}}\n", to: root.appendingPathComponent("results.json"))
        try AtomicFile.write("{\"doc_id\": 0}\n{\"doc_id\": 1}\n", to: root.appendingPathComponent("samples/base__gsm8k.jsonl"))
        try AtomicFile.write("{\"wall_seconds\": 1.5}\n", to: root.appendingPathComponent("timing.json"))
        try BundleManifest.scan(root: root).write(to: root)
        return root
    }

    @Test func anIntactBundleChecksClean() throws {
        let root = try makeBundle()
        defer { try? FileManager.default.removeItem(at: root) }
        let manifest = try BundleManifest.read(from: root)
        #expect(manifest.files.keys.sorted() == ["results.json", "samples/base__gsm8k.jsonl"])
        #expect(try manifest.check(root: root).isEmpty)
        // Timing is outside the hash: changing it is not a problem.
        try AtomicFile.write("{\"wall_seconds\": 9}\n", to: root.appendingPathComponent("timing.json"))
        #expect(try manifest.check(root: root).isEmpty)
    }

    @Test func flippingAnyByteNamesTheFile() throws {
        let root = try makeBundle()
        defer { try? FileManager.default.removeItem(at: root) }
        let manifest = try BundleManifest.read(from: root)
        for path in manifest.files.keys.sorted() {
            let url = root.appendingPathComponent(path)
            let original = try Data(contentsOf: url)
            for position in [0, original.count / 2, original.count - 1] {
                var flipped = original
                flipped[position] ^= 0x01
                try flipped.write(to: url)
                let problems = try manifest.check(root: root)
                #expect(problems.map(\.path) == [path], "byte \(position) of \(path)")
                try original.write(to: url)
            }
        }
    }

    @Test func missingAndExtraFilesAreReported() throws {
        let root = try makeBundle()
        defer { try? FileManager.default.removeItem(at: root) }
        let manifest = try BundleManifest.read(from: root)
        try FileManager.default.removeItem(at: root.appendingPathComponent("results.json"))
        try AtomicFile.write("x", to: root.appendingPathComponent("samples/extra.jsonl"))
        #expect(try manifest.check(root: root) == [.missing(path: "results.json"), .unexpected(path: "samples/extra.jsonl")])
    }

    @Test func aDamagedManifestIsAnError() throws {
        let root = try makeBundle()
        defer { try? FileManager.default.removeItem(at: root) }
        try AtomicFile.write("{\"format\": 1, \"files\": {\"a\": {}}}", to: root.appendingPathComponent("manifest.json"))
        #expect(throws: BundleError.self) { try BundleManifest.read(from: root) }
    }
}
