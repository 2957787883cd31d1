import ArenaRuntime
import ArgumentParser
import Foundation

/// Exit statuses shared by every verb (the README's table), and the one place that maps an error
/// a verb ends with to its status.
public enum ExitStatus {
    public static let ok: Int32 = 0
    /// The verb ran and the answer is no: an `expect` failed, `check` found errors, `verify` found
    /// a difference, `--locked` would change the lockfile.
    public static let failed: Int32 = 1
    /// Could not run: unreadable or invalid input, a resolution, network, engine or server failure.
    public static let error: Int32 = 2
    /// `run`: no expectation failed, but an `expect ... with confidence` was inconclusive.
    public static let inconclusive: Int32 = 3
    /// A usage error: unknown option, missing or malformed argument, flags that exclude each other
    /// (ArgumentParser's `EX_USAGE`).
    public static let usage: Int32 = 64

    /// The status a verb ending with `error` exits with.
    public static func of(_ error: any Error) -> Int32 {
        switch error {
        case let exit as ExitCode: return exit.rawValue
        case is ValidationError: return usage
        case let verdict as VerdictFailure: return verdict == .inconclusive ? inconclusive : failed
        case let lock as LockError:
            if case .wouldChange = lock { return failed }
            return ExitStatus.error
        default:
            if ArenaScriptCommand.exitCode(for: error) == .validationFailure { return usage }
            return ExitStatus.error
        }
    }

    /// Runs a verb's work. An error it throws is printed to standard error (diagnostics as rendered,
    /// anything else as `error: ...`) and ends the verb with `of(error)`; usage errors go back to
    /// ArgumentParser, which prints them with the usage line and exits 64.
    static func running(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            let status = of(error)
            if status == usage { throw error }
            switch error {
            case is ExitCode, is VerdictFailure: break
            case let plan as PlanLoadError: Console.error(plan.rendered)
            default: Console.error("error: \(error)")
            }
            throw ExitCode(status)
        }
    }
}

/// The verb ran and its answer is no (or, for a confidence gate, not known); what it found has
/// been printed already.
enum VerdictFailure: Error, Equatable {
    case failed
    case inconclusive
}

/// A failure described by the verb in its own words; it exits as `ExitStatus.error`.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
}
