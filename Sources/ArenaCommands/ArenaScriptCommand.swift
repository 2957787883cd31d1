import ArgumentParser

/// The root command. `arena-script FILE` is `arena-script run FILE`.
public struct ArenaScriptCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "arena-script",
        abstract: "Run reproducible head-to-head LLM benchmark experiments written in .arena files.",
        version: "0.1.0",
        subcommands: [Run.self, Check.self, Lock.self, Verify.self, Diff.self, Report.self, Serve.self, Cache.self, Query.self],
        defaultSubcommand: Run.self
    )

    public init() {}
}

/// Exit codes shared by every verb.
public enum ExitStatus {
    public static let ok: Int32 = 0
    /// `check`: errors found; `verify`: differs; `run`: an expectation failed.
    public static let failed: Int32 = 1
    /// Could not run or verify at all.
    public static let error: Int32 = 2
    /// `run`: no expectation failed, but an `expect ... with confidence` was inconclusive.
    public static let inconclusive: Int32 = 3
}

extension ArenaScriptCommand {
    /// The executable's entry point. (In main.swift's top-level code, `await ArenaScriptCommand.main()`
    /// resolves to the synchronous `ParsableCommand.main()`, which refuses asynchronous verbs.)
    public static func runFromCommandLine() async {
        await main()
    }
}
