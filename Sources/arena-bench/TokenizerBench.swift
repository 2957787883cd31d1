import ArenaRuntime
import Foundation

/// `arena-bench tokenizer [--tokenizer FOLDER] [--file TEXT] [--lines N]`: encoding throughput of
/// the native tokenizer over a large text, one `encode` call per line (as prompts are encoded),
/// first pass (empty word cache) and second pass (warm cache), plus decode throughput.
enum TokenizerBench {
    static func run(_ args: [String]) async throws {
        let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        var folders = ["models/tiny-llama", "Tests/Fixtures/tokenizer/sentencepiece-bpe"]
        var file = "../shared/data/gsm8k/train.jsonl"
        var i = 0
        while i < args.count {
            switch args[i] {
            case "--tokenizer" where i + 1 < args.count: folders = [args[i + 1]]; i += 1
            case "--file" where i + 1 < args.count: file = args[i + 1]; i += 1
            default: throw TokenizerBenchError("unknown option \(args[i]); usage: arena-bench tokenizer [--tokenizer FOLDER] [--file TEXT]")
            }
            i += 1
        }
        let textURL = URL(fileURLWithPath: file)
        guard let text = try? String(contentsOf: textURL, encoding: .utf8) else { throw TokenizerBenchError("cannot read \(textURL.path)") }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        print("text: \(textURL.path), \(text.utf8.count) bytes, \(lines.count) lines")
        for folder in folders {
            let tokenizer = try Tokenizer(folder: URL(fileURLWithPath: folder, relativeTo: root))
            for pass in ["first pass", "second pass"] {
                let start = DispatchTime.now().uptimeNanoseconds
                var tokens = 0
                for line in lines { tokens += tokenizer.encode(line, addSpecialTokens: false).count }
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                print("\(folder) encode \(pass): \(tokens) tokens in \(String(format: "%.3f", seconds)) s = \(String(format: "%.0f", Double(tokens) / seconds)) tokens/s, \(String(format: "%.1f", Double(text.utf8.count) / seconds / 1e6)) MB/s")
            }
            let encoded = lines.map { tokenizer.encode($0, addSpecialTokens: false) }
            let start = DispatchTime.now().uptimeNanoseconds
            var characters = 0
            for ids in encoded { characters += tokenizer.decode(ids).utf8.count }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let tokens = encoded.reduce(0) { $0 + $1.count }
            print("\(folder) decode: \(tokens) tokens (\(characters) bytes) in \(String(format: "%.3f", seconds)) s = \(String(format: "%.0f", Double(tokens) / seconds)) tokens/s")
        }
    }
}

struct TokenizerBenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
