import ArenaCommands

/// The executable: hands the command line to the root command. An async `@main` so that the
/// async `main()` of the root command runs (top-level code picked the synchronous overload,
/// which refuses an async root command).
@main
enum ArenaScriptMain {
    static func main() async {
        await ArenaScriptCommand.main()
    }
}
