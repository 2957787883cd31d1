import ArenaRuntime
import ArenaScript
import ArgumentParser
import Foundation

extension ArenaScriptCommand {
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Parse and type-check .arena files and open the local models and data files they name, without running anything or touching the network.")

        @Argument(help: "The .arena files to check.")
        var files: [String]

        @Flag(help: "Fail on warnings too.")
        var warningsAsErrors = false

        @Flag(inversion: .prefixedNo, help: "Colour the diagnostics (default: when standard error is a terminal).")
        var colour: Bool?

        func validate() throws {
            if files.isEmpty { throw ValidationError("give at least one .arena file to check") }
        }

        func run() async throws {
            try await ExitStatus.running {
                let useColour = colour ?? (isatty(STDERR_FILENO) == 1)
                let outcome = ExperimentCheck.run(paths: files, colour: useColour, warningsAsErrors: warningsAsErrors)
                if !outcome.output.isEmpty { Console.error(outcome.output) }
                if outcome.failed { throw VerdictFailure.failed }
            }
        }
    }
}

/// What `arena-script check` does, as a function tests can call: checks each file, renders its
/// diagnostics, and ends with a one-line summary.
public enum ExperimentCheck {
    public struct Outcome: Sendable {
        public var output: String
        public var errors: Int
        public var warnings: Int
        public var failed: Bool
    }

    public static func run(paths: [String], colour: Bool = false, warningsAsErrors: Bool = false) -> Outcome {
        var output = ""
        var errors = 0
        var warnings = 0
        for path in paths {
            let result = PlanLoader.check(path: path)
            output += result.rendered(colour: colour)
            errors += result.diagnostics.filter { $0.severity == .error }.count
            warnings += result.diagnostics.filter { $0.severity == .warning }.count
        }
        let files = paths.count == 1 ? "1 file" : "\(paths.count) files"
        output += "checked \(files): \(count(errors, "error")), \(count(warnings, "warning"))\n"
        return Outcome(output: output, errors: errors, warnings: warnings, failed: errors > 0 || (warningsAsErrors && warnings > 0))
    }

    private static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
}
