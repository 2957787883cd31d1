import Foundation

/// Python peers of the lock tests (huggingface_hub), run through `TestPython`.
enum LockPythonPeer {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `python -c script args...` with exactly `environment` (plus PATH), off the cooperative pool.
    static func run(script: String, arguments: [String], environment: [String: String]) async throws -> Output {
        let result = try await TestPython.runOffPool(["-c", script] + arguments, replacing: environment)
        return Output(status: result.status, stdout: String(decoding: result.stdout, as: UTF8.self),
                      stderr: String(decoding: result.stderr, as: UTF8.self))
    }
}
