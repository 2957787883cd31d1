import ArenaRuntime
import ArgumentParser
import Foundation

extension ArenaScriptCommand {
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "Draw a bundle's charts and report again from its recorded results."
        )

        @Argument(help: "The bundle folder (results/<experiment>/<run id>).")
        var bundle: String

        func run() async throws {
            try await ExitStatus.running {
                try ReportRegenerator.regenerate(bundle: URL(fileURLWithPath: bundle))
                print("\(bundle)/\(BundleLayout.reportMarkdown)")
                print("\(bundle)/\(BundleLayout.reportHTML)")
            }
        }
    }
}
