import Foundation

/// Whether a lockfile is what its experiment file and local files lock to: the experiment is
/// planned again and resolved offline by `LockResolver` (the code `lock` runs), with the lockfile
/// itself as the previous one, so its Hub pins and harness version stand, while the seed, limit,
/// runs, tasks, engines and every local content hash (model folders, data files) are recomputed.
/// A forged pin or setting shows as a unified diff of the lockfile against the resolved text.
enum LockfileSourcesCheck {
    /// An installation that reports no version: offline, the resolver then keeps the lockfile's pin.
    static let noHarness = LMEvalInstallation(python: "/dev/null")

    static func differences(lock: Lockfile, path: String, plan: ExperimentPlan, experimentDirectory: URL)
        async -> (differences: [String], diff: String?) {
        let resolver = LockResolver(hub: HubRevisionResolver(endpoint: HubEndpoint()), registry: RegistryDigestResolver(), lmEval: noHarness)
        let experiment = LockedExperiment(name: plan.name, file: lock.experiment.file, sha256: lock.experiment.sha256, seed: plan.seed,
                                          limit: plan.limit, tolerance: plan.tolerance)
        let context = LockResolver.Context(experimentDirectory: experimentDirectory, offline: true, previous: lock, lockfilePath: path)
        var resolved: Lockfile
        do {
            resolved = try await resolver.resolve(plan, experiment: experiment, git: lock.git, context: context)
        } catch {
            return (["\(path): cannot be locked again from \(lock.experiment.file) offline: \(error)"], nil)
        }
        // What wrote the file is a fact about the file, not about its sources.
        resolved.toolVersion = lock.toolVersion
        resolved.format = lock.format
        // Both as this version writes them, so that only facts differ (not an older writer's layout).
        let given = LockfileWriter.render(lock), again = LockfileWriter.render(resolved)
        guard again != given else { return ([], nil) }
        let diff = UnifiedDiff.render(old: given, new: again, oldName: "\(path) (given)", newName: "\(path) (locked again from \(lock.experiment.file) and its local files)")
        let keys = changedKeys(diff)
        return (["\(path): not what \(lock.experiment.file) and its local files lock to (\(keys.joined(separator: ", ")))"], diff)
    }

    /// The keys of the lines a unified diff removes or adds, in order, once each.
    static func changedKeys(_ diff: String) -> [String] {
        var keys: [String] = []
        for line in diff.split(separator: "\n") where (line.hasPrefix("-") || line.hasPrefix("+")) && !line.hasPrefix("---") && !line.hasPrefix("+++") {
            guard let equals = line.range(of: " = ") else { continue }
            let key = String(line[line.index(after: line.startIndex)..<equals.lowerBound])
            if !keys.contains(key) { keys.append(key) }
        }
        return keys
    }
}
