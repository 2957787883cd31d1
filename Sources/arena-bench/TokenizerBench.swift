import ArenaRuntime
import Foundation

/// `arena-bench tokenizer [--tokenizer FOLDER] [--gguf FILE] [--file TEXT]`: encoding throughput
/// of the native tokenizers (tokenizer.json folders, and the tokenizers in GGUF files' metadata)
/// over a large text, one `encode` call per line (as prompts are encoded), first pass (empty word
/// cache) and second pass (warm cache), plus decode throughput. By default: two tokenizer.json
/// folders and the GGUF test models found in ~/.cache/arena-test/models.
enum TokenizerBench {
    static func run(_ args: [String]) async throws {
        let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        var folders = ["models/tiny-llama", "Tests/Fixtures/tokenizer/sentencepiece-bpe"]
        let models = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/arena-test/models")
        var ggufs = ["SmolLM2-135M-Instruct.Q4_1.gguf", "gemma-3-270m-q4_k_m.gguf"].map { models.appendingPathComponent($0).path }
            .filter { FileManager.default.fileExists(atPath: $0) }
        var file = "../shared/data/gsm8k/train.jsonl"
        var i = 0
        while i < args.count {
            switch args[i] {
            case "--tokenizer" where i + 1 < args.count: folders = [args[i + 1]]; ggufs = []; i += 1
            case "--gguf" where i + 1 < args.count: ggufs = [args[i + 1]]; folders = []; i += 1
            case "--file" where i + 1 < args.count: file = args[i + 1]; i += 1
            default: throw TokenizerBenchError("unknown option \(args[i]); usage: arena-bench tokenizer [--tokenizer FOLDER] [--gguf FILE] [--file TEXT]")
            }
            i += 1
        }
        let textURL = URL(fileURLWithPath: file)
        guard let text = try? String(contentsOf: textURL, encoding: .utf8) else { throw TokenizerBenchError("cannot read \(textURL.path)") }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        print("text: \(textURL.path), \(text.utf8.count) bytes, \(lines.count) lines")
        var tokenizers: [(String, any NativeTokenizer)] = try folders.map { ($0, try Tokenizer(folder: URL(fileURLWithPath: $0, relativeTo: root))) }
        for path in ggufs {
            let start = DispatchTime.now().uptimeNanoseconds
            let tokenizer = try GGUFTokenizer(gguf: URL(fileURLWithPath: path, relativeTo: root))
            print("\(URL(fileURLWithPath: path).lastPathComponent): tokenizer read from the metadata in \(String(format: "%.3f", Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)) s")
            tokenizers.append((URL(fileURLWithPath: path).lastPathComponent, tokenizer))
        }
        for (folder, tokenizer) in tokenizers {
            for pass in ["first pass", "second pass"] {
                let start = DispatchTime.now().uptimeNanoseconds
                var tokens = 0
                for line in lines { tokens += try tokenizer.encode(line, addSpecialTokens: false).count }
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                print("\(folder) encode \(pass): \(tokens) tokens in \(String(format: "%.3f", seconds)) s = \(String(format: "%.0f", Double(tokens) / seconds)) tokens/s, \(String(format: "%.1f", Double(text.utf8.count) / seconds / 1e6)) MB/s")
            }
            let encoded = try lines.map { try tokenizer.encode($0, addSpecialTokens: false) }
            let start = DispatchTime.now().uptimeNanoseconds
            var characters = 0
            for ids in encoded { characters += try tokenizer.decode(ids).utf8.count }
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
