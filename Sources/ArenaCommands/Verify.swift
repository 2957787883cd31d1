import ArenaRuntime
import ArgumentParser
import Foundation

extension ArenaScriptCommand {
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Prove a recorded result from its lockfile.",
            discussion: """
                Offline: checks every manifest hash; that the bundle ran this lockfile under its run id \
                (a unified diff when the lockfile differs) and the locked experiment file; that the \
                lockfile is what the experiment and its local files lock to; that the locked git commit \
                is in the repository's history; that the bundle holds every (model, task) the lockfile \
                runs and no other, with its settings and data; that each sample row is what the pinned \
                data gives, where it is reachable offline; and that the recorded responses re-score to \
                the recorded metrics (docs/bundle.md). With --rerun, executes \
                the experiment again with the locked pins and compares task by task (docs/ci.md). \
                Exit status: 0 reproduced, 1 differs or drifted, 2 could not verify, 64 usage error.
                """
        )

        @Argument(help: "The lockfile (lockfiles/<experiment>.lock).")
        var lockfile: String

        @Option(help: "The bundle folder (default: results/<experiment>/<run id> beside lockfiles/).")
        var bundle: String?

        @Flag(help: "Execute again with the locked pins and compare with the recorded results.")
        var rerun = false

        func run() async throws {
            try await ExitStatus.running {
                let report = try await BundleVerifier.verify(lockfile: lockfile, bundle: bundle.map { URL(fileURLWithPath: $0) })
                for check in report.checks { print("ok: \(check)") }
                for difference in report.differences { print("DIFFERS: \(difference)") }
                for diff in report.diffs { print(diff, terminator: diff.hasSuffix("\n") ? "" : "\n") }
                guard report.status == .reproduced else {
                    print("\(report.bundle.path): differs (\(report.differences.count) difference(s))")
                    throw VerdictFailure.failed
                }
                guard rerun else {
                    print("\(report.bundle.path): reproduced")
                    return
                }
                let comparison: RerunComparison
                do {
                    let log: @Sendable (String) -> Void = { Console.error($0) }
                    let runner = ExperimentRunner(lockService: try LockService.fromEnvironment(log: log),
                                                  engines: StandardEngineProvider.fromEnvironment(noCache: true, log: log),
                                                  datasets: .fromEnvironment(offline: false), log: log)
                    comparison = try await runner.rerun(lockfile: lockfile, recorded: report.bundle)
                } catch {
                    throw CommandFailure(description: "could not run again: \(error)")
                }
                for verdict in comparison.verdicts {
                    print("\(verdict.reproduced ? "ok" : "DRIFTED"): \(verdict.model)/\(verdict.task) \(verdict.metric) recorded \(String(format: "%.4f", verdict.recorded)), now \(String(format: "%.4f", verdict.rerun)): \(verdict.detail)")
                }
                for missing in comparison.missing { print("DRIFTED: \(missing) was not produced again") }
                if !comparison.reproduced { throw VerdictFailure.failed }
                print("reproduced by re-running")
            }
        }
    }
}
