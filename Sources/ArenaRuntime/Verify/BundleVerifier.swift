import Foundation

/// What `verify` found: the checks that held and every difference, each naming its file, task or metric.
public struct VerificationReport: Sendable {
    public enum Status: Sendable, Equatable { case reproduced, differs }

    public var bundle: URL
    public var checks: [String] = []
    public var differences: [String] = []
    public var status: Status { differences.isEmpty ? .reproduced : .differs }
}

public enum VerifyError: Error, CustomStringConvertible, Equatable {
    case unreadableLockfile(path: String, reason: String)
    case noBundle(lockfile: String, looked: String)

    public var description: String {
        switch self {
        case let .unreadableLockfile(path, reason): return "\(path): \(reason)"
        case let .noBundle(lockfile, looked):
            return "\(lockfile): no result bundle at \(looked); run the experiment or pass --bundle"
        }
    }
}

/// `arena-script verify LOCKFILE`: proves a recorded result without running anything. Checks every
/// manifest hash, that the bundle ran this lockfile, that the experiment file is the one locked,
/// that the locked commit is in the repository's history, and that the recorded responses re-score
/// to exactly the recorded metrics.
public enum BundleVerifier {
    public static func verify(lockfile path: String, bundle explicit: URL? = nil) throws -> VerificationReport {
        let lockURL = URL(fileURLWithPath: path).standardizedFileURL
        let text: String
        let lock: Lockfile
        do {
            text = try String(contentsOf: lockURL, encoding: .utf8)
            lock = try LockfileReader.parse(text, path: path)
        } catch {
            throw VerifyError.unreadableLockfile(path: path, reason: "\(error)")
        }
        let root = Lockfile.root(ofLockfileAt: lockURL)
        let bundle = try explicit ?? locateBundle(root: root, lock: lock, text: text, lockfile: path)
        var report = VerificationReport(bundle: bundle)

        // 1. Every file against the manifest.
        do {
            let problems = try BundleManifest.read(from: bundle).check(root: bundle)
            if problems.isEmpty { report.checks.append("manifest: every file's sha256 matches") }
            report.differences += problems.map { "\(bundle.lastPathComponent)/\($0)" }
        } catch {
            report.differences.append("\(bundle.path)/\(BundleManifest.fileName): \(error)")
        }

        // 2. The bundle ran this lockfile and this experiment.
        let recordedLock = try? String(contentsOf: bundle.appendingPathComponent(BundleLayout.lockfile), encoding: .utf8)
        if recordedLock == text {
            report.checks.append("\(BundleLayout.lockfile): identical to \(path)")
        } else {
            report.differences.append("\(path): differs from the bundle's \(BundleLayout.lockfile)")
        }
        let experimentURL = lock.experimentFile(lockfileAt: lockURL)
        if let data = FileManager.default.contents(atPath: experimentURL.path) {
            let sha = SHA256.hex(data)
            if sha == lock.experiment.sha256 {
                report.checks.append("\(lock.experiment.file): sha256 matches the lockfile")
            } else {
                report.differences.append("\(lock.experiment.file): sha256 \(sha) does not match the lockfile's \(lock.experiment.sha256)")
            }
        } else {
            report.differences.append("\(lock.experiment.file): missing (the lockfile pins it)")
        }
        if let recorded = FileManager.default.contents(atPath: bundle.appendingPathComponent(BundleLayout.experiment).path),
           SHA256.hex(recorded) != lock.experiment.sha256 {
            report.differences.append("\(BundleLayout.experiment): the bundle's copy does not match the lockfile's sha256")
        }

        // 3. The locked commit is in this repository's history.
        if let head = lock.git?.head {
            do {
                switch try GitRepository.discover(containing: root.path)?.presence(ofCommit: head) {
                case .inHistory?: report.checks.append("git: commit \(head) is in HEAD's history")
                case .notAncestorOfHead?: report.differences.append("git: commit \(head) exists but is not in HEAD's history")
                case .missing?: report.differences.append("git: commit \(head) is not in this repository (a shallow clone needs fetch-depth: 0)")
                case nil: report.differences.append("git: \(root.path) is not a git repository, so commit \(head) cannot be found")
                }
            } catch {
                report.differences.append("git: \(error)")
            }
        }

        // 4. Recorded responses re-score to the recorded metrics.
        do {
            let contents = try BundleReader.read(bundle)
            let rescored = try ResponseRescorer.compare(contents)
            report.differences += rescored.differences
            if rescored.differences.isEmpty {
                report.checks.append("re-scoring: \(rescored.samples) recorded samples give exactly the recorded metrics")
            }
            let truncation = TruncationCheck.differences(contents)
            report.differences += truncation
            if truncation.isEmpty { report.checks.append("truncation: every sample's \(TaskTruncation.sampleField) agrees with the recorded counts") }
        } catch {
            report.differences.append("re-scoring: \(error)")
        }
        return report
    }

    /// `results/<experiment>/<run id>` beside `lockfiles/`; when that folder is absent but the
    /// experiment has exactly one bundle, that one (its lockfile is then compared).
    static func locateBundle(root: URL, lock: Lockfile, text: String, lockfile: String) throws -> URL {
        let experimentDir = root.appendingPathComponent("results").appendingPathComponent(BundleLayout.fileSafe(lock.experiment.name))
        let expected = experimentDir.appendingPathComponent(BundleLayout.runID(lockfileText: text))
        if FileManager.default.fileExists(atPath: expected.appendingPathComponent(BundleManifest.fileName).path) { return expected }
        let candidates = ((try? FileManager.default.contentsOfDirectory(atPath: experimentDir.path)) ?? []).filter { !$0.hasPrefix(".") }
        if candidates.count == 1 { return experimentDir.appendingPathComponent(candidates[0]) }
        throw VerifyError.noBundle(lockfile: lockfile, looked: expected.path)
    }
}
