import Foundation
import Testing
@testable import ArenaCommands

@Suite struct ServeCommandTests {
    @Test func parsesModelFolderHostPortAndName() throws {
        let command = try ArenaScriptCommand.parseAsRoot(["serve", "models/tiny-llama", "--port", "0", "--name", "tiny"])
        let serve = try #require(command as? ArenaScriptCommand.Serve)
        #expect(serve.modelDir == "models/tiny-llama")
        #expect(serve.host == "127.0.0.1")
        #expect(serve.port == 0)
        #expect(serve.name == "tiny")
        #expect(throws: (any Error).self) { try ArenaScriptCommand.parseAsRoot(["serve", "models/tiny-llama", "--port", "http"]) }
    }
}
