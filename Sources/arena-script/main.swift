import ArenaCommands

await ArenaScriptCommand.main()
