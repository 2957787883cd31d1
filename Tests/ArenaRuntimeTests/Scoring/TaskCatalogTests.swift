import Foundation
import Testing
@testable import ArenaRuntime

/// The catalog's names, versions, datasets and lock entries, against lm-eval's installed YAMLs.
@Suite struct TaskCatalogTests {
    /// lm-eval's own view of each task: version, dataset, splits, delimiters, default n-shot,
    /// sampler, generation kwargs, read from its installed YAMLs with their `include:`s resolved.
    static let script = """
    import json, os, sys, yaml, lm_eval
    root = os.path.join(os.path.dirname(lm_eval.__file__), "tasks")
    files = {"arc_easy": "arc/arc_easy.yaml", "arc_challenge": "arc/arc_challenge.yaml", "hellaswag": "hellaswag/hellaswag.yaml",
             "mathqa": "mathqa/mathqa.yaml", "truthfulqa_mc1": "truthfulqa/truthfulqa_mc1.yaml",
             "truthfulqa_mc2": "truthfulqa/truthfulqa_mc2.yaml", "truthfulqa_gen": "truthfulqa/truthfulqa_gen.yaml",
             "drop": "drop/default.yaml", "gsm8k": "gsm8k/gsm8k.yaml",
             "mmlu_abstract_algebra": "mmlu/default/mmlu_abstract_algebra.yaml",
             "mmlu_college_mathematics": "mmlu/default/mmlu_college_mathematics.yaml"}
    class Loader(yaml.SafeLoader):
        pass
    Loader.add_constructor("!function", lambda loader, node: "function:" + loader.construct_scalar(node))
    def load(path):
        with open(path) as f:
            cfg = yaml.load(f, Loader=Loader)
        if "include" in cfg:
            base = load(os.path.join(os.path.dirname(path), cfg.pop("include")))
            base.update(cfg)
            cfg = base
        return cfg
    out = {}
    for name in json.loads(sys.argv[1]):
        cfg = load(os.path.join(root, files[name]))
        fs = cfg.get("fewshot_config") or {}
        out[name] = {
            "version": str(cfg.get("metadata", {}).get("version")),
            "dataset_path": cfg.get("dataset_path"), "dataset_name": cfg.get("dataset_name"),
            "test_split": cfg.get("test_split"), "validation_split": cfg.get("validation_split"),
            "training_split": cfg.get("training_split"), "fewshot_split": cfg.get("fewshot_split"),
            "target_delimiter": cfg.get("target_delimiter", " "), "fewshot_delimiter": cfg.get("fewshot_delimiter", "\\n\\n"),
            "description": cfg.get("description", ""), "num_fewshot": cfg.get("num_fewshot") or 0,
            "num_fewshot_fixed": cfg.get("num_fewshot", None) == 0,
            "sampler": fs.get("sampler", "default"), "output_type": cfg.get("output_type"),
            "generation_kwargs": cfg.get("generation_kwargs"),
            "metrics": [m["metric"] for m in cfg.get("metric_list", [])],
        }
    print(json.dumps(out))
    """

    @Test func definitionsMatchLMEvalConfigs() throws {
        let names = JSONValue.array(TaskCatalog.taskNames.map { .string($0) }).serialized(indent: nil)
        let configs = try JSONValue.parse(try PythonPeer.run(Self.script, arguments: [names]))
        for task in TaskCatalog.definitions {
            let config = try #require(configs[task.name], "lm-eval has no task \(task.name)")
            #expect(config["version"]?.stringValue == task.version, "\(task.name) version")
            #expect(config["dataset_path"]?.stringValue == task.dataset.path, "\(task.name) dataset")
            #expect((config["dataset_name"]?.stringValue) == task.dataset.config, "\(task.name) dataset config")
            let evalSplit = config["test_split"]?.stringValue ?? config["validation_split"]?.stringValue
            #expect(evalSplit == task.dataset.evalSplit, "\(task.name) eval split")
            let fewshotSplit = config["fewshot_split"]?.stringValue ?? config["training_split"]?.stringValue
                ?? config["validation_split"]?.stringValue
            #expect(fewshotSplit == task.dataset.fewshotSplit, "\(task.name) few-shot split")
            // lm-eval passes the eval doc to the sampler when fewshot_split == test_split (None == None included).
            #expect((config["fewshot_split"] == config["test_split"]) == task.fewshotExcludesEvalDoc, "\(task.name) eval-doc exclusion")
            #expect(config["target_delimiter"]?.stringValue == task.targetDelimiter, "\(task.name) target delimiter")
            #expect(config["fewshot_delimiter"]?.stringValue == task.fewshotDelimiter, "\(task.name) few-shot delimiter")
            #expect(config["description"]?.stringValue == task.description, "\(task.name) description")
            #expect(config["num_fewshot"]?.intValue == task.defaultFewshot, "\(task.name) default n-shot")
            #expect(config["num_fewshot_fixed"]?.boolValue == task.fewshotFixedAtZero, "\(task.name) n-shot fixed at 0")
            #expect(config["sampler"]?.stringValue == task.sampler.rawValue, "\(task.name) sampler")
            #expect(config["output_type"]?.stringValue == task.outputType.rawValue, "\(task.name) output type")
            #expect(config["metrics"] == .array(task.metricNames.map { .string($0) }), "\(task.name) metrics")
            if let kwargs = config["generation_kwargs"]?.objectValue, let settings = task.generation {
                #expect(kwargs["until"] == .array(settings.until.map { .string($0) }), "\(task.name) until")
                #expect(kwargs["max_gen_toks"]?.intValue == settings.maxGenToks, "\(task.name) max_gen_toks")
            }
        }
    }

    @Test func lockEntryRecordsVersionDatasetAndStableHash() throws {
        let entry = try TaskCatalog.lockEntry(name: "gsm8k")
        #expect(entry.version == "3.0")
        #expect(entry.dataset == "openai/gsm8k")
        #expect(entry.config == "main")
        #expect(entry.splits == ["test", "train"])
        #expect(entry.contentHash.count == 64)
        #expect(try TaskCatalog.lockEntry(name: "gsm8k").contentHash == entry.contentHash)
        let hashes = Set(try TaskCatalog.taskNames.map { try TaskCatalog.lockEntry(name: $0).contentHash })
        #expect(hashes.count == TaskCatalog.taskNames.count, "every task definition hashes differently")
    }

    @Test func contentHashChangesWithAnyPromptSetting() throws {
        let base = try TaskCatalog.task(named: "arc_easy")
        var changedDelimiter = base
        changedDelimiter.fewshotDelimiter = "\n"
        var changedTemplate = base
        changedTemplate.templates["doc_to_text"] = "Q: {{question}}\\nA:"
        var changedGeneration = try TaskCatalog.task(named: "gsm8k")
        changedGeneration.generation?.until.append("\n\n")
        #expect(TaskCatalog.contentHash(changedDelimiter) != TaskCatalog.contentHash(base))
        #expect(TaskCatalog.contentHash(changedTemplate) != TaskCatalog.contentHash(base))
        #expect(try TaskCatalog.contentHash(changedGeneration) != TaskCatalog.contentHash(TaskCatalog.task(named: "gsm8k")))
    }

    @Test func tagsExpandAndUnknownNamesFail() throws {
        #expect(try TaskCatalog.expand("truthfulqa").map(\.name) == ["truthfulqa_gen", "truthfulqa_mc1", "truthfulqa_mc2"])
        #expect(try TaskCatalog.expand("gsm8k").map(\.name) == ["gsm8k"])
        #expect(throws: UnknownTaskError(name: "gsm9k")) { try TaskCatalog.task(named: "gsm9k") }
    }

    @Test func malformedDocumentsNameTheField() throws {
        let arc = try TaskCatalog.task(named: "arc_easy")
        let doc = JSONValue.object(["question": .string("q"), "choices": .object(["text": .array([.string("x")]), "label": .array([.string("A")])]), "answerKey": .string("Z")])
        #expect(throws: TaskDocumentError(task: "arc_easy", field: "answerKey", reason: "'Z' is not one of the choice labels [\"A\"]")) {
            try arc.docToTarget(doc)
        }
        let hellaswag = try TaskCatalog.task(named: "hellaswag")
        #expect(throws: TaskDocumentError(task: "hellaswag", field: "ctx_a", reason: "missing")) {
            try hellaswag.processDoc(.object([:]))
        }
    }
}
