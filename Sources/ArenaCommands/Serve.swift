import ArenaRuntime
import ArgumentParser
import Foundation

extension ArenaScriptCommand {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve",
            abstract: "Serve a model folder or GGUF file on the native engine over the API vLLM speaks (/v1/completions, /tokenize, ...).")

        @Argument(help: "A Hugging Face model folder (config.json, *.safetensors, tokenizer.json), or a .gguf file.")
        var modelDir: String

        @Option(help: "Address to listen on.")
        var host = "127.0.0.1"

        @Option(help: "Port to listen on (0: any free port, printed at start).")
        var port: UInt16 = 8000

        @Option(help: "Model name clients send as \"model\" (default: the folder's or file's name).")
        var name: String?

        func run() async throws {
            try await ExitStatus.running {
                let served = try ServedModel.native(folder: URL(fileURLWithPath: modelDir), name: name)
                let server = try CompletionServer(served: served, host: host, port: port)
                let bound = try await server.start()
                Console.error("arena-script serve: \(served.name) on http://\(host):\(bound)/v1")
                while true { try await Task.sleep(nanoseconds: 3_600_000_000_000) }
            }
        }
    }
}
