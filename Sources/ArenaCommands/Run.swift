import ArenaRuntime
import ArgumentParser
import Foundation

extension ArenaScriptCommand {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Check, lock, execute and bundle an experiment (the default verb).",
            discussion: """
                Exit status: 0 when every run finished and every expect passed, 1 when an expect \
                failed or --locked would change the lockfile, 3 when none failed but an `expect ... with \
                confidence` was inconclusive, 2 when the experiment could not be run, 64 on a usage \
                error; on Ctrl-C, SIGTERM or SIGHUP the \
                servers it started are stopped (ARENA_STOP_GRACE seconds, default 30, then killed; a \
                second Ctrl-C kills at once) and it ends by that signal (status 130, 143, 129). The \
                bundle goes to results/<experiment>/<run id>/ beside lockfiles/ (see docs/bundle.md).
                """
        )

        @Argument(help: "The .arena experiment file.")
        var file: String

        @Flag(help: "Fail instead of updating the lockfile when re-resolving would change it.")
        var locked = false

        @Flag(help: "Use no network: pins come from the experiment and the lockfile, data and models from the cache.")
        var offline = false

        @Flag(name: .customLong("no-git"), help: "Allow an experiment outside a git repository; record no provenance.")
        var noGit = false

        @Option(help: "Folder for result bundles (default: results/ beside lockfiles/).")
        var results: String?

        @Flag(name: .customLong("no-cache"), help: "Send every request to the engine; neither read nor write the request cache.")
        var noCache = false

        @Flag(name: .customLong("allow-hardware-mismatch"), help: "Run even when the GPUs found contradict the pinned hardware.")
        var allowHardwareMismatch = false

        func run() async throws {
            try await ExitStatus.running {
                let log: @Sendable (String) -> Void = { Console.error($0) }
                let offline = offline || OfflineMode.fromEnvironment()
                let runner = ExperimentRunner(lockService: try LockService.fromEnvironment(log: log),
                                              engines: StandardEngineProvider.fromEnvironment(offline: offline, noCache: noCache,
                                                                                                allowHardwareMismatch: allowHardwareMismatch, log: log),
                                              datasets: .fromEnvironment(offline: offline), progress: ProgressReporter(), log: log)
                let outcome = try await runner.run(path: file, options: .init(locked: locked, offline: offline, noGit: noGit,
                                                                              resultsRoot: results.map { URL(fileURLWithPath: $0) }))
                for expectation in outcome.expectations {
                    let label = switch expectation.verdict {
                    case .passed: "passed"
                    case .failed: "FAILED"
                    case .inconclusive: "INCONCLUSIVE"
                    }
                    print("\(label): expect \(expectation.source) (\(expectation.detail))")
                }
                print("bundle: \(outcome.bundle.path)")
                if outcome.failedExpectations > 0 { throw VerdictFailure.failed }
                if outcome.inconclusiveExpectations > 0 { throw VerdictFailure.inconclusive }
            }
        }
    }
}

