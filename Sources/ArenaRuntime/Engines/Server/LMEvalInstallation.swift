import Foundation

/// The lm-evaluation-harness that `harness: "lm-eval"` runs: a python with the `lm_eval` package.
/// `ARENA_LM_EVAL_PYTHON` names it; the default is `python3` on PATH.
public struct LMEvalInstallation: Sendable, Equatable {
    public static let environmentVariable = "ARENA_LM_EVAL_PYTHON"

    public var python: String

    public init(python: String) {
        self.python = python
    }

    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> LMEvalInstallation {
        LMEvalInstallation(python: env[environmentVariable].flatMap { $0.isEmpty ? nil : $0 } ?? "python3")
    }

    /// What the installation reports about itself: the package version and the folder of its task YAMLs.
    public struct Facts: Sendable, Equatable {
        public var version: String
        public var tasksDirectory: URL
    }

    /// The installed version and task folder, or nil when this python has no lm_eval.
    /// Reads the package metadata and locates the package without importing it (fast).
    public func facts(environment: [String: String] = ProcessInfo.processInfo.environment) -> Facts? {
        let script = """
            import importlib.metadata as m, importlib.util as u, os
            spec = u.find_spec("lm_eval")
            print(m.version("lm_eval")); print(os.path.join(os.path.dirname(spec.origin), "tasks"))
            """
        guard let output = ToolRunner.output(python, ["-c", script], environment: environment, timeout: 60) else { return nil }
        let lines = output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard lines.count >= 2, !lines[0].isEmpty else { return nil }
        return Facts(version: lines[0], tasksDirectory: URL(fileURLWithPath: lines[1]))
    }

    /// The installed lm-eval's version, or nil when it is not installed.
    public func version(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        facts(environment: environment)?.version
    }
}
