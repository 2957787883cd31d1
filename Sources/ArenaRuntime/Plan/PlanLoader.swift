import ArenaScript
import Foundation

/// Reads an experiment file, checks it and interprets it into a plan.
public enum PlanLoader {
    /// Throws `PlanLoadError` whose description is the rendered diagnostics
    /// (`file:line:col: error: ...`, source line, caret).
    /// `checkingFiles: false` reads a plan whose local files are not beside it (a bundle's copy of
    /// its experiment, which `report` lays its cells over).
    public static func load(path: String, checkingFiles: Bool = true) throws -> ExperimentPlan {
        let result = check(path: path, checkingFiles: checkingFiles)
        guard let plan = result.plan else {
            throw PlanLoadError(rendered: result.rendered(colour: false), diagnostics: result.diagnostics)
        }
        return plan
    }

    /// Reads and checks a file; a file that cannot be read gives one error diagnostic.
    public static func check(path: String, checkingFiles: Bool = true) -> PlanCheck {
        guard let data = FileManager.default.contents(atPath: path) else {
            return PlanCheck(path: path, source: SourceText(""),
                             diagnostics: [.error("cannot read the file", at: .zero, hint: "check that \(path) exists and is readable")], plan: nil)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return PlanCheck(path: path, source: SourceText(""),
                             diagnostics: [.error("the file is not valid UTF-8 text", at: .zero)], plan: nil)
        }
        return check(source: text, path: path, checkingFiles: checkingFiles)
    }

    /// Parses, checks and interprets `source` (named `path` in messages and in the plan), and
    /// checks the local models and data files it names, relative to `path`'s folder.
    public static func check(source: String, path: String, checkingFiles: Bool = true) -> PlanCheck {
        let analysis = ScriptAnalysis(source: source, host: ArenaBuiltins.environment)
        guard let interpretation = analysis.interpretation else {
            return PlanCheck(path: path, source: analysis.source, diagnostics: analysis.diagnostics, plan: nil)
        }
        let experimentRange = analysis.program.statements.first { $0.label == "experiment" }?.range
        var builder = PlanBuilder(interpretation: interpretation, path: path, source: source, cells: analysis.cells)
        let (built, extra) = builder.build(experimentRange: experimentRange)
        // Local models and data files, read from the experiment file's folder (no network).
        let files = checkingFiles
            ? PlanFileCheck(plan: built, places: builder.places,
                            experimentDirectory: URL(fileURLWithPath: path).deletingLastPathComponent()).diagnostics()
            : []
        let diagnostics = (analysis.diagnostics + extra + files).sortedBySource()
        var plan = built
        plan.warnings = diagnostics.filter { $0.severity != .error }
        return PlanCheck(path: path, source: analysis.source, diagnostics: diagnostics, plan: diagnostics.hasErrors ? nil : plan)
    }
}

/// The outcome of checking one file: its diagnostics, and the plan when there are no errors.
public struct PlanCheck: Sendable {
    public var path: String
    public var source: SourceText
    public var diagnostics: [Diagnostic]
    public var plan: ExperimentPlan?

    public var hasErrors: Bool { diagnostics.hasErrors }

    public func rendered(colour: Bool) -> String {
        DiagnosticRenderer(fileName: path, source: source, colour: colour).render(diagnostics)
    }
}

public struct PlanLoadError: Error, CustomStringConvertible {
    public let rendered: String
    public let diagnostics: [Diagnostic]
    public init(rendered: String, diagnostics: [Diagnostic] = []) {
        self.rendered = rendered
        self.diagnostics = diagnostics
    }
    public var description: String { rendered }
}
