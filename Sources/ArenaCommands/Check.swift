import ArgumentParser

extension ArenaScriptCommand {
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "check", abstract: "Not available yet.")

        func run() async throws {
            throw ValidationError("'check' is not available yet")
        }
    }
}
