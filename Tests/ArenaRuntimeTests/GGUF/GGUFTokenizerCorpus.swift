import Foundation
@testable import ArenaRuntime

/// The texts the GGUF tokenizers are checked on: every question, answer and choice of the real
/// GSM8K (test and train) and TruthfulQA (mc_task.json and TruthfulQA.csv) files, and
/// adversarial text (the tokenizer parity corpus plus whitespace, digits, scripts, emoji,
/// combining marks and spelled special tokens).
enum GGUFTokenizerCorpus {
    static func realLines() throws -> [String] {
        let data = ScoringPaths.sharedData
        var lines: [String] = []
        for split in ["test", "train"] {
            let file = data.appendingPathComponent("gsm8k/\(split).jsonl")
            for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n") where !line.isEmpty {
                let row = try JSONValue.parse(Data(line.utf8))
                lines += [row["question"]?.stringValue, row["answer"]?.stringValue].compactMap { $0 }
            }
        }
        let mc = try JSONValue.parse(Data(contentsOf: data.appendingPathComponent("truthfulqa/mc_task.json")))
        for item in mc.arrayValue ?? [] {
            if let question = item["question"]?.stringValue { lines.append(question) }
            for key in ["mc0_targets", "mc1_targets", "mc2_targets"] {
                lines += (item[key]?.objectValue?.keys).map { $0.sorted() } ?? []
            }
        }
        let csv = try CSVReader.rows(Data(contentsOf: data.appendingPathComponent("truthfulqa/TruthfulQA.csv")), name: "TruthfulQA.csv")
        for row in csv {
            for column in ["Question", "Best Answer", "Best Incorrect Answer", "Correct Answers", "Incorrect Answers"] {
                if let text = row[column]?.stringValue { lines.append(text) }
            }
        }
        var seen = Set<String>()
        return lines.filter { seen.insert($0).inserted }
    }

    static func adversarial() throws -> [String] {
        let file = ScoringPaths.repositoryRoot.appendingPathComponent("Tests/Fixtures/tokenizer/parity_corpus.json")
        let corpus = try JSONValue.parse(Data(contentsOf: file)).arrayValue?.compactMap(\.stringValue) ?? []
        let extra = [
            "", " ", "  ", "   x", "x   ", "\t", "\t\tindented\n\ttab", "\n", "\n\n", "\n\n\n\nfour", " \n \n ", "\r\n\r\n", "a \u{00A0}b\u{2003}c\u{3000}d",
            "1", "12", "123", "1234", "12345678901234567890", " 42 apples", "3.14159 and 2,718", "$1,000,000.00", "٣٤٥ ١٢", "½ ⅓ ² ³", "x1y22z333w4444",
            "日本語のテキスト", "中文文本测试，标点。", "한국어 텍스트", "ภาษาไทย", "עברית", "العربية", "Ελληνικά", "Кириллица",
            "😀", "👨‍👩‍👧‍👦 family", "🇫🇷🇩🇪", "emoji😀in😀text", "✓ ✗ → ← ∑ ∫", "e\u{0301}", "n\u{0303}o\u{0308}", "a\u{0300}\u{0301}\u{0302}\u{0303}", "\u{0301}start",
            "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇", "ſ's 'ſ x'ſy 'S 'LL 'Ve", "I'm you're we've they'd it'll", "hello ' world", "a ' b ' c", "don 't ' s", "wait , what ? yes ! no .",
            "<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n", "<|im_start|><|im_end|>", "<|im_start", "im_start|>", "<|endoftext|>", "text<|endoftext|>text",
            "<start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\n", "<start_of_turn><end_of_turn>", "<start_of_turn", "<bos>", "<eos> <pad> <unk>", "<s></s>",
            "<0x41><0x0A>", "<unused0><unused99>", "[multimodal]", "<mask>", "▁▁hello▁world", "▁", "<|im_start|> spaced <|im_end|> ", "  <start_of_turn>  ",
            "Question: What is 2+2?\nAnswer: 4\n\n", "def f(x):\n    return x**2\n", "{\"json\": [1, 2, 3], \"key\": null}", "C:\\path\\to\\file.txt", "http://example.com/a?b=c&d=e",
            String(repeating: " ", count: 40) + "deep", String(repeating: "ab", count: 300), String(repeating: "\n", count: 17), String(repeating: "9", count: 64),
        ]
        var seen = Set<String>()
        return (corpus + extra).filter { seen.insert($0).inserted }
    }
}
