import ArgumentParser

extension ArenaScriptCommand {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "run", abstract: "Not available yet.")

        func run() async throws {
            throw ValidationError("'run' is not available yet")
        }
    }
}
