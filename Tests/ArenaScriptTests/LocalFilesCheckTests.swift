import ArenaRuntime
import ArenaScript
import Foundation
import Testing

/// `check` opens the local models and data files an experiment names and reports what `run`
/// would fail on, at the argument that named the file, with the file's line and row.
@Suite struct LocalFilesCheckTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// Experiments are checked as if they were in Tests/Fixtures/check, beside the data files.
    static let folder = repositoryRoot.appendingPathComponent("Tests/Fixtures/check")
    static let tinyLlama = "../../../models/tiny-llama"
    static let goodTest = "../../../experiments/data/word_math_test.jsonl"
    static let goodTrain = "../../../experiments/data/word_math_train.jsonl"

    func check(_ source: String, in directory: URL = LocalFilesCheckTests.folder) -> PlanCheck {
        PlanLoader.check(source: source, path: directory.appendingPathComponent("exp.arena").path)
    }

    func errors(_ result: PlanCheck) -> [Diagnostic] { result.diagnostics.filter { $0.severity == .error } }

    /// The column where `text` starts on `line` of `source` (1-based), to pin a diagnostic's place.
    func column(of text: String, line: Int, in source: String) throws -> Int {
        let lineText = source.components(separatedBy: "\n")[line - 1]
        let found = try #require(lineText.range(of: text))
        return lineText[..<found.lowerBound].unicodeScalars.count + 1
    }

    @Test(arguments: ["native(threads: 1)", "vllm(image: \"vllm/vllm-openai:v0.8.5\")", "sglang(command: \"python3 -m sglang.launch_server\")",
                      "endpoint(url: \"http://127.0.0.1:9/v1\")"])
    func aMissingModelFolderIsAnErrorAtItsArgumentForEveryEngine(engine: String) throws {
        let source = "let m = model(\"./no-such-model\")\nevaluate(m, on: gsm8k(dataset: dataset(test: \"\(Self.goodTest)\", train: \"\(Self.goodTrain)\")), with: \(engine))"
        let result = check(source)
        let error = try #require(errors(result).first)
        #expect(errors(result).count == 1)
        #expect(error.message == "model 'm': ./no-such-model does not exist")
        let expectedColumn = try column(of: "\"./no-such-model\"", line: 1, in: source)
        #expect(error.line == 1 && error.column == expectedColumn)
        #expect(result.plan == nil)
    }

    /// A copy of the tiny model with some files left out or replaced.
    func modelCopy(without removed: [String], adding added: [String: String] = [:]) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("check-model-\(UUID().uuidString)")
        let model = directory.appendingPathComponent("model")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.repositoryRoot.appendingPathComponent("models/tiny-llama"), to: model)
        for name in removed { try FileManager.default.removeItem(at: model.appendingPathComponent(name)) }
        for (name, text) in added { try Data(text.utf8).write(to: model.appendingPathComponent(name)) }
        return directory
    }

    func modelErrors(_ directory: URL, engine: String, task: String = "arc_easy") -> [String] {
        errors(check("evaluate(model(\"./model\"), on: \(task)(dataset: dataset(test: \"\(Self.folder.path)/../../../experiments/data/science_qa_test.jsonl\")), with: \(engine))",
                     in: directory)).map(\.message)
    }

    @Test func aFolderWithoutATokenizerIsRefusedByTheEnginesThatNeedOne() throws {
        let noTokenizer = try modelCopy(without: ["tokenizer.json"])
        #expect(modelErrors(noTokenizer, engine: "native()") == ["model 'model-1': ./model has no tokenizer.json; the native engine needs it"])
        #expect(modelErrors(noTokenizer, engine: "sglang(command: \"x\")")
                == ["model 'model-1': ./model has no tokenizer.json; likelihoods against SGLang are tokenized with it"])
        #expect(modelErrors(noTokenizer, engine: "vllm(command: \"x\")")
                == ["model 'model-1': ./model has no tokenizer (tokenizer.json, tokenizer.model, vocab.json)"])
        #expect(modelErrors(noTokenizer, engine: "endpoint(url: \"http://127.0.0.1:9\")").isEmpty)
        // A SentencePiece tokenizer is one a server loads, but not the native engine.
        let sentencePiece = try modelCopy(without: ["tokenizer.json"], adding: ["tokenizer.model": "sp"])
        #expect(modelErrors(sentencePiece, engine: "vllm(command: \"x\")").isEmpty)
        #expect(modelErrors(sentencePiece, engine: "native()").count == 1)
    }

    @Test func theNativeEngineOpensItsFilesWithItsOwnReaders() throws {
        let badConfig = try modelCopy(without: [], adding: ["config.json": "{\"architectures\": [\"BertModel\"]}"])
        let message = try #require(modelErrors(badConfig, engine: "native()").first)
        #expect(message.hasPrefix("model 'model-1': ./model cannot be loaded by the native engine: "))
        #expect(message.contains("config.json"))
        let noWeights = try modelCopy(without: ["model.safetensors"])
        #expect(modelErrors(noWeights, engine: "native()").first?.contains("neither model.safetensors nor model.safetensors.index.json") == true)
        #expect(modelErrors(noWeights, engine: "vllm(command: \"x\")") == ["model 'model-1': ./model has no weights (*.safetensors, *.bin, *.pt, *.pth)"])
        let brokenTokenizer = try modelCopy(without: [], adding: ["tokenizer.json": "{"])
        #expect(modelErrors(brokenTokenizer, engine: "native()").first?.contains("tokenizer.json") == true)
    }

    @Test func aRowWithoutAFieldTheTaskReadsNamesTheFileLineRowAndField() throws {
        let source = """
            let m = model("\(Self.tinyLlama)")
            let data = dataset(test: "gsm8k_missing_answer.jsonl")
            evaluate(m, on: gsm8k(dataset: data, fewshot: 0, limit: 1), with: native())
            """
        let result = check(source)
        let error = try #require(errors(result).first)
        #expect(errors(result).count == 1)
        // Row 2 is on line 3 (after a blank line); a row past `limit` is checked too.
        #expect(error.message == "gsm8k_missing_answer.jsonl:3: row 2: gsm8k reads field 'answer': missing")
        #expect(error.hint == "rows must have the columns of gsm8k's Hub dataset (openai/gsm8k)")
        let expectedColumn = try column(of: "\"gsm8k_missing_answer.jsonl\"", line: 2, in: source)
        #expect(error.line == 2 && error.column == expectedColumn)
    }

    @Test func csvRowsAndFewShotRowsAreCheckedToo() throws {
        let csv = check("evaluate(model(\"\(Self.tinyLlama)\"), on: gsm8k(dataset: dataset(test: \"gsm8k_no_answer_column.csv\"), fewshot: 0))")
        #expect(errors(csv).map(\.message) == ["gsm8k_no_answer_column.csv:2: row 1: gsm8k reads field 'answer': missing"])
        // A few-shot row is read only when examples are drawn.
        let pool = "evaluate(model(\"\(Self.tinyLlama)\"), on: gsm8k(dataset: dataset(test: \"\(Self.goodTest)\", train: \"gsm8k_missing_answer.jsonl\"), fewshot: FEW))"
        #expect(errors(check(pool.replacingOccurrences(of: "FEW", with: "1"))).map(\.message)
                == ["gsm8k_missing_answer.jsonl:3: row 2: gsm8k reads field 'answer': missing"])
        #expect(errors(check(pool.replacingOccurrences(of: "FEW", with: "0"))).isEmpty)
    }

    @Test func unreadableAndMissingDataFilesAndTooFewShots() throws {
        let bad = check("evaluate(model(\"\(Self.tinyLlama)\"), on: gsm8k(dataset: dataset(test: \"gsm8k_bad_json.jsonl\"), fewshot: 0))")
        #expect(errors(bad).first?.message.hasPrefix("gsm8k_bad_json.jsonl:2: invalid JSON") == true)
        // A file no task reads is still hashed by `lock`, so it must exist.
        let missing = check("evaluate(model(\"\(Self.tinyLlama)\"), on: gsm8k(dataset: dataset(test: \"\(Self.goodTest)\", train: \"nothing.jsonl\"), fewshot: 0))")
        #expect(errors(missing).map(\.message) == ["data file nothing.jsonl does not exist (looked for \(Self.folder.appendingPathComponent("nothing.jsonl").path))"])
        let few = check("evaluate(model(\"\(Self.tinyLlama)\"), on: gsm8k(dataset: dataset(test: \"\(Self.goodTest)\", train: \"gsm8k_two_rows.jsonl\")))")
        #expect(errors(few).map(\.message) == ["gsm8k_two_rows.jsonl: task gsm8k: few-shot sampling: cannot sample 5 items from a population of 2 (Python: Sample larger than population or is negative)"])
    }

    @Test func aZeroShotTaskNeedsOnlyItsScoredSplit() throws {
        let result = check("evaluate(model(\"\(Self.tinyLlama)\"), on: gsm8k(dataset: dataset(test: \"\(Self.goodTest)\"), fewshot: 0), with: native())")
        #expect(result.diagnostics.isEmpty, "\(result.rendered(colour: false))")
        let fiveShot = check("evaluate(model(\"\(Self.tinyLlama)\"), on: gsm8k(dataset: dataset(test: \"\(Self.goodTest)\")), with: native())")
        #expect(errors(fiveShot).map(\.message) == ["gsm8k draws few-shot examples from the 'train' split, which dataset 'dataset-2' does not give"])
    }
}
