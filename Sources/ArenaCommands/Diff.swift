import ArgumentParser

extension ArenaScriptCommand {
    struct Diff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "diff", abstract: "Not available yet.")

        func run() async throws {
            throw ValidationError("'diff' is not available yet")
        }
    }
}
