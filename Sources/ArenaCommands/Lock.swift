import ArenaRuntime
import ArgumentParser
import Foundation

extension ArenaScriptCommand {
    struct Lock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lock",
            abstract: "Resolve every floating name of an experiment and write lockfiles/<name>.lock.",
            discussion: """
                The lockfile goes under the root of the git repository holding FILE (the current \
                directory with --no-git outside a repository). See docs/lockfile.md.
                """
        )

        @Argument(help: "The .arena experiment file.")
        var file: String

        @Flag(help: "Write nothing; fail with a diff if re-resolving would change the lockfile.")
        var locked = false

        @Flag(help: "Use no network; fail naming every pin not already in the experiment or the lockfile.")
        var offline = false

        @Flag(name: .customLong("no-git"), help: "Allow an experiment outside a git repository; record no provenance.")
        var noGit = false

        func run() async throws {
            try await ExitStatus.running {
                let plan = try PlanLoader.load(path: file)
                let service = try LockService.fromEnvironment(log: { Console.error($0) })
                let outcome = try await service.lock(plan, options: .init(locked: locked, offline: offline || OfflineMode.fromEnvironment(), noGit: noGit))
                switch outcome {
                case let .written(path): print("wrote \(path)")
                case let .unchanged(path): print("\(path) is unchanged")
                case let .upToDate(path): print("\(path) is up to date")
                }
            }
        }
    }
}

