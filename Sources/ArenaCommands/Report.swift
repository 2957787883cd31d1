import ArgumentParser

extension ArenaScriptCommand {
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "report", abstract: "Not available yet.")

        func run() async throws {
            throw ValidationError("'report' is not available yet")
        }
    }
}
