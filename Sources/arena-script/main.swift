import ArenaCommands

await ArenaScriptCommand.runFromCommandLine()
