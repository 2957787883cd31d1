import ArenaCommands
import ArenaRuntime
import ArenaScript
import ArgumentParser
import Foundation
import Testing

@Suite struct CheckCommandTests {
    @Test func theShippedExperimentsPassCheck() {
        let outcome = ExperimentCheck.run(paths: [Experiments.path("finetune_vs_base.arena"), Experiments.path("gsm8k_ci.arena")])
        #expect(outcome.output == "checked 2 files: 0 errors, 0 warnings\n")
        #expect(!outcome.failed)
    }

    @Test func badFilesFailWithRenderedDiagnosticsAndASummary() {
        let bad = GoldenFixtures.directory.appendingPathComponent("bad_revision.arena").path
        let good = Experiments.path("gsm8k_ci.arena")
        let outcome = ExperimentCheck.run(paths: [good, bad])
        #expect(outcome.failed)
        #expect(outcome.errors == 1)
        #expect(outcome.output.hasPrefix("\(bad):2:56: error: \"release..v1\" is not a branch, tag or commit SHA\n"))
        #expect(outcome.output.hasSuffix("checked 2 files: 1 error, 0 warnings\n"))
    }

    @Test func warningsFailOnlyWhenAskedTo() {
        let floating = GoldenFixtures.directory.appendingPathComponent("floating_image_tag.arena").path
        #expect(!ExperimentCheck.run(paths: [floating]).failed)
        let strict = ExperimentCheck.run(paths: [floating], warningsAsErrors: true)
        #expect(strict.failed)
        #expect(strict.warnings == 1)
    }

    @Test func theCommandParsesItsArgumentsAndExitsWithOneOnErrors() async throws {
        let bad = GoldenFixtures.directory.appendingPathComponent("unknown_name.arena").path
        var command = try ArenaScriptCommand.parseAsRoot(["check", "--no-colour", bad])
        do {
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            Issue.record("check passed a bad file")
        } catch {
            #expect(ArenaScriptCommand.exitCode(for: error).rawValue == ExitStatus.failed)
        }
        command = try ArenaScriptCommand.parseAsRoot(["check", Experiments.path("gsm8k_ci.arena")])
        if var asyncCommand = command as? AsyncParsableCommand { try await asyncCommand.run() }
        #expect(throws: (any Error).self) { try ArenaScriptCommand.parseAsRoot(["check"]) }
    }
}
