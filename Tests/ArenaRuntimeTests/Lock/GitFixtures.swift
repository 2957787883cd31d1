import Foundation

/// Temporary git repositories built with the git CLI, removed by `remove()`.
struct TemporaryRepository {
    let root: URL

    /// An empty folder; `initialise` makes it a repository on branch `main`.
    static func make(initialise: Bool = true) throws -> TemporaryRepository {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("arena-lock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        let repo = TemporaryRepository(root: base.resolvingSymlinksInPath())
        if initialise { try repo.git("init", "-q", "-b", "main") }
        return repo
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    @discardableResult
    func git(_ args: String...) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-c", "user.name=Arena Test", "-c", "user.email=test@example.invalid",
                             "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"] + args
        process.currentDirectoryURL = root
        var env = ProcessInfo.processInfo.environment
        env["GIT_CONFIG_NOSYSTEM"] = "1"
        env["HOME"] = root.path
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey:
                "git \(args.joined(separator: " ")) failed: \(String(decoding: errData, as: UTF8.self))"])
        }
        var text = String(decoding: data, as: UTF8.self)
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    func write(_ relative: String, _ text: String) throws {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: false, encoding: .utf8)
    }

    func commitAll(_ message: String = "commit") throws {
        try git("add", "-A")
        try git("commit", "-q", "-m", message)
    }
}
