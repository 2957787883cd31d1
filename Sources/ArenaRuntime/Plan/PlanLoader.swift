import ArenaScript
import Foundation

/// Reads an experiment file, checks it and interprets it into a plan.
public enum PlanLoader {
    /// Throws `PlanLoadError` whose description is the rendered diagnostics
    /// (`file:line:col: error: ...`, source line, caret).
    public static func load(path: String) throws -> ExperimentPlan {
        throw PlanLoadError(rendered: "\(path): the .arena interpreter is not available yet")
    }
}

public struct PlanLoadError: Error, CustomStringConvertible {
    public let rendered: String
    public init(rendered: String) { self.rendered = rendered }
    public var description: String { rendered }
}
