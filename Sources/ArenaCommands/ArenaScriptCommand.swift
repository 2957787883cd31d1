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

extension ArenaScriptCommand {
    /// The executable's entry point. (In main.swift's top-level code, `await ArenaScriptCommand.main()`
    /// resolves to the synchronous `ParsableCommand.main()`, which refuses asynchronous verbs.)
    public static func runFromCommandLine() async {
        await main()
    }
}
