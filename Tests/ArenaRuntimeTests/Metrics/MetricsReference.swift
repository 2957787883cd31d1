import Foundation
@testable import ArenaRuntime

/// The reference values that lm-eval 0.4.13's own code gives for the metrics corpus: runs
/// Tests/Fixtures/metrics/reference.py once per test process with `ARENA_TEST_PYTHON`.
enum MetricsReference {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = testsDirectory.appendingPathComponent("Fixtures/metrics")
    static let sharedData = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/data")

    private static let loaded: Result<JSONValue, Failure> = run()

    static func value() throws -> JSONValue { try loaded.get() }

    static func section(_ name: String) throws -> [JSONValue] {
        guard let items = try value()[name]?.arrayValue else { throw Failure(description: "reference output has no '\(name)' list") }
        return items
    }

    private static func run() -> Result<JSONValue, Failure> {
        guard let python = ProcessInfo.processInfo.environment["ARENA_TEST_PYTHON"], !python.isEmpty else {
            return .failure(Failure(description: "ARENA_TEST_PYTHON is not set: run the tests through scripts/test.sh, which builds .venv-test from Tests/requirements.txt (lm-eval 0.4.13, sacrebleu, rouge-score, scipy)"))
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [fixtures.appendingPathComponent("reference.py").path,
                             fixtures.appendingPathComponent("corpus.json").path, sharedData.path]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch {
            return .failure(Failure(description: "cannot start \(python): \(error)"))
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            return .failure(Failure(description: "reference.py exited with \(process.terminationStatus): \(errorText.suffix(2000))"))
        }
        do { return .success(try JSONValue.parse(data)) } catch {
            return .failure(Failure(description: "reference.py printed invalid JSON: \(error)"))
        }
    }
}

extension JSONValue {
    /// The field as a string; "" with a recorded failure is avoided by the caller checking nil.
    func string(_ key: String) -> String? { self[key]?.stringValue }
    func strings(_ key: String) -> [String]? { self[key]?.arrayValue?.compactMap(\.stringValue) }
    func double(_ key: String) -> Double? { self[key]?.doubleValue }
}

/// Equal within 1e-9 relative to the larger magnitude (at least 1).
func closeEnough(_ a: Double, _ b: Double) -> Bool {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
    return abs(a - b) <= 1e-9 * max(1, abs(a), abs(b))
}
