import Foundation
import Testing
@testable import ArenaRuntime

/// `verify` proves a bundle is the complete result of its lockfile: each test edits a copy of the
/// quickstart's repository the way a forger would (the manifest rewritten to match), and verify
/// names what the lockfile's runs, settings and pinned data say the bundle should hold instead.
@Suite(.serialized) struct CompleteResultTests {
    /// A copy of the quickstart fixture's repository (run once, committed), and its bundle there.
    static func copy() async throws -> (root: URL, bundle: URL, lockfile: String) {
        let (root, bundle) = try await QuickstartVerifyTests.Fixture.shared.get()
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("complete-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: root, to: copy)
        let inside = String(bundle.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))
        return (copy, copy.appendingPathComponent(inside), QuickstartVerifyTests.lockfile(copy))
    }

    static func sealManifest(_ bundle: URL) throws { try BundleManifest.scan(root: bundle).write(to: bundle) }

    /// Rewrites every row of a samples file through `edit` (given the row's doc_id).
    static func editRows(_ file: URL, _ edit: (Int, inout [String: JSONValue]) -> Void) throws {
        var out = ""
        for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n") {
            var row = try #require(JSONValue.parse(String(line)).objectValue)
            edit(row["doc_id"]?.intValue ?? -1, &row)
            out += JSONValue.object(row).serialized(indent: nil) + "\n"
        }
        try out.write(to: file, atomically: true, encoding: .utf8)
    }

    static func requestHashes(_ arguments: JSONValue?) -> JSONValue {
        .array((arguments?.arrayValue ?? []).map { .string(SHA256.hex($0.serialized(indent: nil))) })
    }

    @Test func theUntouchedCopyVerifiesWithItsRowsReDerived() async throws {
        let (root, _, lockfile) = try await Self.copy()
        defer { try? FileManager.default.removeItem(at: root) }
        let report = try await BundleVerifier.verify(lockfile: lockfile)
        #expect(report.differences == [])
        #expect(report.diffs == [])
        #expect(report.checks.contains { $0.hasPrefix("re-derivation: documents, prompts, targets and request hashes of base/arc_easy, base/gsm8k, tuned/arc_easy, tuned/gsm8k") })
        #expect(report.checks.contains { $0.hasPrefix("coverage:") })
        #expect(report.checks.contains { $0.hasPrefix("run id:") })
        #expect(report.checks.contains("expectations: the 1 recorded verdicts are what the recorded results give"))
    }

    @Test func aMissingModelOrTaskIsADifference() async throws {
        let (root, bundle, lockfile) = try await Self.copy()
        defer { try? FileManager.default.removeItem(at: root) }
        let fm = FileManager.default
        for path in ["results/tuned.json", "samples/tuned", "logs/tuned.log"] { try fm.removeItem(at: bundle.appendingPathComponent(path)) }
        // base without gsm8k: every per-task entry of results/base.json and its samples gone.
        let results = bundle.appendingPathComponent("results/base.json")
        var json = try #require(JSONValue.parse(Data(contentsOf: results)).objectValue)
        for (key, value) in json {
            if case var .object(perTask) = value, perTask["gsm8k"] != nil {
                perTask["gsm8k"] = nil
                json[key] = .object(perTask)
            }
        }
        try JSONValue.object(json).serializedData().write(to: results)
        try fm.removeItem(at: bundle.appendingPathComponent("samples/base/gsm8k.jsonl"))
        try Self.sealManifest(bundle)

        let report = try await BundleVerifier.verify(lockfile: lockfile)
        #expect(report.status == .differs)
        #expect(report.differences.contains("results/tuned.json: missing; the lockfile runs model 'tuned' on arc_easy, gsm8k (run.2)"), "\(report.differences)")
        #expect(report.differences.contains("results/base.json: no result for base/gsm8k, which the lockfile runs (run.1)"), "\(report.differences)")
    }

    @Test func editedDocumentsPromptsTargetsAndHashesAreFoundByDocumentAndField() async throws {
        let (root, bundle, lockfile) = try await Self.copy()
        defer { try? FileManager.default.removeItem(at: root) }
        try Self.editRows(bundle.appendingPathComponent("samples/base/arc_easy.jsonl")) { id, row in
            switch id {
            case 0:
                // Every prompt of the document edited, its request hashes updated to match.
                let edited = (row["arguments"]?.arrayValue ?? []).map { pair -> JSONValue in
                    var parts = pair.arrayValue ?? []
                    parts[0] = .string("Edited. " + (parts[0].stringValue ?? ""))
                    return .array(parts)
                }
                row["arguments"] = .array(edited)
                row["request_hashes"] = Self.requestHashes(row["arguments"])
            case 1:
                row["target"] = .int(((row["target"]?.intValue ?? 0) + 1) % 4)
            case 2:
                if case var .object(doc)? = row["doc"] { doc["question"] = .string("Which is edited?"); row["doc"] = .object(doc) }
            case 3:
                row["request_hashes"] = .array((row["request_hashes"]?.arrayValue ?? []).map { _ in .string(String(repeating: "0", count: 64)) })
            default: break
            }
        }
        try Self.sealManifest(bundle)
        let report = try await BundleVerifier.verify(lockfile: lockfile)
        let place = "samples/base/arc_easy.jsonl"
        for (doc, field) in [(0, "arguments"), (0, "request_hashes"), (1, "target"), (2, "doc"), (3, "request_hashes")] {
            #expect(report.differences.contains { $0.hasPrefix("\(place): doc \(doc) filter none \(field) recorded ") && $0.contains("re-derived from the pinned data") },
                    "doc \(doc) \(field): \(report.differences)")
        }
        #expect(!report.differences.contains { $0.contains("doc 4 ") })
    }

    @Test func aForgedLockfileIsFoundEvenWithTheBundleMadeToMatch() async throws {
        let (root, bundle, lockfile) = try await Self.copy()
        defer { try? FileManager.default.removeItem(at: root) }
        let text = try String(contentsOfFile: lockfile, encoding: .utf8)
        let lock = try LockfileReader.parse(text, path: lockfile)
        let sha = try #require(lock.model("base")?.sha)
        let forged = text.replacingOccurrences(of: sha, with: String(repeating: "0", count: 64))
            .replacingOccurrences(of: "experiment.seed = 1234", with: "experiment.seed = 99")
        #expect(forged != text)
        // The forger writes the lockfile into the bundle too and files it under the forged run id.
        try forged.write(toFile: lockfile, atomically: true, encoding: .utf8)
        try forged.write(to: bundle.appendingPathComponent(BundleLayout.lockfile), atomically: true, encoding: .utf8)
        try Self.sealManifest(bundle)
        let moved = bundle.deletingLastPathComponent().appendingPathComponent(BundleLayout.runID(lockfileText: forged))
        try FileManager.default.moveItem(at: bundle, to: moved)

        let report = try await BundleVerifier.verify(lockfile: lockfile)
        #expect(report.status == .differs)
        #expect(report.differences.contains { $0.contains("not what experiments/quickstart.arena and its local files lock to (experiment.seed, model.base.sha)") },
                "\(report.differences)")
        #expect(report.differences.contains { $0.hasPrefix("results/base.json: model_revision '\(sha)'") })
        #expect(report.differences.contains { $0.hasPrefix("results/base.json: config.numpy_seed recorded 1234, the lockfile gives 99") })
        let diff = try #require(report.diffs.first)
        #expect(diff.contains("\n-experiment.seed = 99\n+experiment.seed = 1234\n"), "\(diff)")
        #expect(diff.contains("\n+model.base.sha = \"\(sha)\"\n"), "\(diff)")

        // Filed under the lockfile's run id or not, the folder must be the lockfile's.
        let elsewhere = moved.deletingLastPathComponent().appendingPathComponent("0123456789abcdef")
        try FileManager.default.moveItem(at: moved, to: elsewhere)
        let misplaced = try await BundleVerifier.verify(lockfile: lockfile, bundle: elsewhere)
        #expect(misplaced.differences.contains("\(elsewhere.path): the bundle's folder is not \(lockfile)'s run id \(BundleLayout.runID(lockfileText: forged))"))
    }

    @Test func anEditedVerdictIsNotWhatTheRecordedResultsGive() async throws {
        let (root, bundle, lockfile) = try await Self.copy()
        defer { try? FileManager.default.removeItem(at: root) }
        let file = bundle.appendingPathComponent(BundleLayout.expectations)
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains("\"verdict\": \"passed\""))
        try text.replacingOccurrences(of: "\"verdict\": \"passed\"", with: "\"verdict\": \"failed\"")
            .replacingOccurrences(of: "\"passed\": true", with: "\"passed\": false").write(to: file, atomically: true, encoding: .utf8)
        try Self.sealManifest(bundle)
        let report = try await BundleVerifier.verify(lockfile: lockfile)
        #expect(report.differences.contains { $0.hasPrefix("expectations.json: line ") && $0.contains("recorded failed") && $0.contains("the recorded results give passed") },
                "\(report.differences)")
    }

    @Test func aLockfileThatDiffersFromTheBundlesIsShownAsAUnifiedDiff() async throws {
        let (root, bundle, lockfile) = try await Self.copy()
        defer { try? FileManager.default.removeItem(at: root) }
        let text = try String(contentsOfFile: lockfile, encoding: .utf8)
        try text.replacingOccurrences(of: "run.1.task.2.fewshot = 2", with: "run.1.task.2.fewshot = 3")
            .write(toFile: lockfile, atomically: true, encoding: .utf8)
        let report = try await BundleVerifier.verify(lockfile: lockfile, bundle: bundle)
        let again = try await BundleVerifier.verify(lockfile: lockfile, bundle: bundle)
        #expect(report.differences.contains("\(lockfile): differs from the bundle's experiment.lock"))
        let diff = try #require(report.diffs.first)
        #expect(report.diffs == again.diffs)
        #expect(diff.hasPrefix("--- \(bundle.lastPathComponent)/experiment.lock (recorded in the bundle)\n+++ \(lockfile) (given)\n@@ "), "\(diff)")
        #expect(diff.contains("\n-run.1.task.2.fewshot = 2\n+run.1.task.2.fewshot = 3\n"), "\(diff)")
        // The bundle's base/gsm8k is 2-shot: what the given lockfile's run says it must be is named.
        #expect(report.differences.contains("results/base.json: base/gsm8k n-shot recorded 2, the lockfile gives 3"), "\(report.differences)")
    }
}
