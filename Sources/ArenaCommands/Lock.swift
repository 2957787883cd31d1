import ArgumentParser

extension ArenaScriptCommand {
    struct Lock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "lock", abstract: "Not available yet.")

        func run() async throws {
            throw ValidationError("'lock' is not available yet")
        }
    }
}
