import Foundation
import Testing

/// CPython and lm-eval printing what they compute, so the scoring tests compare against them
/// (through `TestPython`).
enum PythonPeer {
    static func interpreter() throws -> String { try TestPython.executable() }

    /// Runs `python -c script args...` and returns its standard output.
    static func run(_ script: String, arguments: [String] = [], environment: [String: String] = [:]) throws -> String {
        String(decoding: try TestPython.output(["-c", script] + arguments, adding: environment), as: UTF8.self)
    }
}

/// Paths of test fixtures and of the shared real data beside the repository.
enum ScoringPaths {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = repositoryRoot.appendingPathComponent("Tests/Fixtures")
    static let sharedData = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
}
