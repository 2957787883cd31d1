import Foundation
import Testing
@testable import ArenaRuntime

/// With local data, results.json and the lockfile name the local files and their sha256, never the
/// task's Hub dataset; lm-eval's own readers still read the results, and the `datasets` library
/// loads exactly the documents that were scored from what `configs` says.
@Suite(.serialized) struct LocalDataProvenanceTests {
    @Test func resultsNameTheLocalFilesAndTheirHashes() async throws {
        let (root, bundle) = try await QuickstartVerifyTests.Fixture.shared.get()
        let results = try JSONValue.parse(try Data(contentsOf: bundle.appendingPathComponent("results/base.json")))
        // 0-shot arc_easy reads only its test split; 2-shot gsm8k reads train for its examples too.
        let expected = [("arc_easy", "science_qa", ["test"]), ("gsm8k", "word_math", ["test", "train"])]
        for (task, stem, splits) in expected {
            let config = try #require(results["configs"]?[task])
            #expect(config["dataset_path"]?.stringValue == "json")
            #expect(config["dataset_name"] == .null)
            #expect(config["dataset_kwargs"]?["data_files"]?.objectValue?.keys.sorted() == splits)
            for split in splits {
                let path = "experiments/data/\(stem)_\(split).jsonl"
                #expect(config["dataset_kwargs"]?["data_files"]?[split]?.stringValue == path)
                let sha = SHA256.hex(try Data(contentsOf: root.appendingPathComponent(path)))
                #expect(config["data_files_sha256"]?[split]?.stringValue == sha)
            }
        }
        // The environment records the same files, relative to the repository.
        let environment = try JSONValue.parse(try Data(contentsOf: bundle.appendingPathComponent("environment.json")))
        let files = try #require(environment["data_files"]?["arc_easy"]?.arrayValue).compactMap { $0["path"]?.stringValue }
        #expect(files == ["experiments/data/science_qa_test.jsonl"])
        #expect(!(try String(contentsOf: bundle.appendingPathComponent("environment.json"), encoding: .utf8)).contains(root.path))

        // The lockfile names no Hub dataset for tasks that only ran on local files.
        let lock = try LockfileReader.read(path: QuickstartVerifyTests.lockfile(root))
        #expect(lock.tasks.map(\.name) == ["arc_easy", "gsm8k"])
        #expect(lock.tasks.allSatisfy { $0.dataset == nil && $0.datasetConfig == nil })
        #expect(lock.taskDatasets.isEmpty)
    }

    @Test func lmEvalReadersFindWhatTheyNeed() async throws {
        let (root, bundle) = try await QuickstartVerifyTests.Fixture.shared.get()
        let script = """
            import json, sys
            import datasets
            from lm_eval.utils import make_table
            root, path = sys.argv[1], sys.argv[2]
            doc = json.load(open(path))
            table = make_table(doc)
            out = {"table": table}
            for task, config in doc["configs"].items():
                files = {split: root + "/" + f for split, f in config["dataset_kwargs"]["data_files"].items()}
                loaded = datasets.load_dataset(config["dataset_path"], name=config["dataset_name"], data_files=files)
                out[task] = {split: loaded[split].num_rows for split in loaded}
            print(json.dumps(out))
            """
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("arena-datasets-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let output = try TestPython.output(["-c", script, root.path, bundle.appendingPathComponent("results/base.json").path],
                                           adding: ["HF_HOME": work.path, "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1"])
        let parsed = try JSONValue.parse(output)
        let table = try #require(parsed["table"]?.stringValue)
        let results = try JSONValue.parse(try Data(contentsOf: bundle.appendingPathComponent("results/base.json")))
        let accuracy = try #require(results["results"]?["arc_easy"]?["acc,none"]?.doubleValue)
        #expect(table.contains("arc_easy") && table.contains(String(format: "%.4f", accuracy)))
        #expect(table.contains("exact_match"))
        for task in ["arc_easy", "gsm8k"] {
            let scored = try #require(results["n-samples"]?[task]?["original"]?.intValue)
            #expect(parsed[task]?["test"]?.intValue == scored, "\(task): the configs' files hold the documents scored")
        }
    }

    @Test func aHubDatasetIsNamedWithItsCommitAndAReplacementHubDatasetReplacesTheTasks() throws {
        let config = TaskCatalog.canonicalDescription(try TaskCatalog.task(named: "gsm8k"))
        #expect(config["dataset_path"]?.stringValue == "openai/gsm8k")
        let commit = String(repeating: "c", count: 40)
        let own = TaskDataOrigin.of(["test": .hub(id: "openai/gsm8k", revision: commit, config: "main")], files: [:], root: URL(fileURLWithPath: "/r"))
        let applied = own.applied(to: config)
        #expect(applied["dataset_path"]?.stringValue == "openai/gsm8k")
        #expect(applied["dataset_name"]?.stringValue == "main")
        #expect(applied["dataset_kwargs"]?["revision"]?.stringValue == commit)
        #expect(applied["data_files_sha256"] == nil)
        let replaced = TaskDataOrigin.hub(id: "acme/held-out-math", config: nil, revision: commit).applied(to: config)
        #expect(replaced["dataset_path"]?.stringValue == "acme/held-out-math")
        #expect(replaced["dataset_name"] == .null)
        // Everything else of the task's configuration stays.
        var rest = replaced.objectValue ?? [:], original = config.objectValue ?? [:]
        for key in ["dataset_path", "dataset_name", "dataset_kwargs"] { rest[key] = nil; original[key] = nil }
        #expect(rest == original)
    }

    @Test func localFilesAreNamedRelativeToTheRootWithTheirBuilder() {
        let root = URL(fileURLWithPath: "/repo")
        let files: [String: [DataFileRecord]] = [
            "test": [DataFileRecord(path: "/repo/data/a.csv", sha256: "a", size: 1), DataFileRecord(path: "/repo/data/b.csv", sha256: "b", size: 1)],
            "train": [DataFileRecord(path: "/elsewhere/train.csv", sha256: "t", size: 1)],
        ]
        let origin = TaskDataOrigin.of(["test": .local(path: "/repo/data"), "train": .local(path: "/elsewhere/train.csv")], files: files, root: root)
        let applied = origin.applied(to: .object(["task": .string("arc_easy"), "dataset_path": .string("allenai/ai2_arc")]))
        #expect(applied["dataset_path"]?.stringValue == "csv")
        #expect(applied["dataset_kwargs"]?["data_files"]?["test"] == .array([.string("data/a.csv"), .string("data/b.csv")]))
        #expect(applied["dataset_kwargs"]?["data_files"]?["train"]?.stringValue == "/elsewhere/train.csv")
        #expect(applied["data_files_sha256"]?["test"] == .array([.string("a"), .string("b")]))
        #expect(applied["task"]?.stringValue == "arc_easy")
        #expect(TaskDataOrigin.builder(forFile: "x.parquet") == "parquet")
        #expect(TaskDataOrigin.builder(forFile: "x.jsonl") == "json")
        #expect(TaskDataOrigin.builder(forFile: "x.json") == "json")
    }
}
