import ArgumentParser
import Testing
@testable import ArenaCommands

@Suite struct LockCommandTests {
    @Test func flagsParse() throws {
        let parsed = try ArenaScriptCommand.parseAsRoot(["lock", "experiments/x.arena", "--locked", "--offline", "--no-git"])
        let lock = try #require(parsed as? ArenaScriptCommand.Lock)
        #expect(lock.file == "experiments/x.arena")
        #expect(lock.locked && lock.offline && lock.noGit)
        let plain = try #require(try ArenaScriptCommand.parseAsRoot(["lock", "x.arena"]) as? ArenaScriptCommand.Lock)
        #expect(!plain.locked && !plain.offline && !plain.noGit)
    }

    @Test func helpNamesEveryOption() {
        let help = ArenaScriptCommand.helpMessage(for: ArenaScriptCommand.Lock.self)
        for option in ["--locked", "--offline", "--no-git", "<file>"] { #expect(help.contains(option)) }
    }

    @Test func theFileIsRequired() {
        #expect(throws: (any Error).self) { try ArenaScriptCommand.parseAsRoot(["lock"]) }
    }
}
