import Foundation

extension Lockfile {
    public func model(_ key: String) -> LockedModel? { models.first { $0.key == key } }
    public func engine(_ key: String) -> LockedEngine? { engines.first { $0.spec.key == key } }
    public func dataset(_ key: String) -> LockedDataset? { datasets.first { $0.key == key } }
    public func task(_ name: String) -> LockedTask? { tasks.first { $0.name == name } }
    public func taskDataset(_ id: String) -> LockedHubDataset? { taskDatasets.first { $0.id == id } }

    /// The folder a lockfile's relative paths start from: the one holding `lockfiles/`.
    public static func root(ofLockfileAt url: URL) -> URL {
        url.standardizedFileURL.deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The experiment file this lockfile was made from, given where the lockfile is.
    public func experimentFile(lockfileAt url: URL) -> URL {
        experiment.file.hasPrefix("/") ? URL(fileURLWithPath: experiment.file)
            : Self.root(ofLockfileAt: url).appendingPathComponent(experiment.file)
    }

    /// The plan with every floating name replaced by its pin: Hub model and dataset revisions by
    /// commit SHAs, a local model's revision by `sha256:<content hash>` (what keys its request
    /// cache), images by `registry/repository@digest`. Local paths stay as they are. Throws when the plan names something the lockfile
    /// does not pin, or pins it from a different id or revision.
    public func pinning(_ plan: ExperimentPlan) throws -> ExperimentPlan {
        var pinned = plan
        for i in pinned.models.indices {
            let m = pinned.models[i]
            guard let locked = model(m.key), locked.id == m.id, locked.revision == m.revision, locked.file == m.file else {
                throw LockMismatchError(message: "model '\(m.key)' (\(m.id) at \(m.revision)) is not pinned by this lockfile; run `arena-script lock`")
            }
            // What pins the weights: the commit of a Hub model, the content hash of a local folder or file.
            pinned.models[i].revision = locked.source == .hub ? locked.sha : "sha256:" + locked.sha
            pinned.models[i].fileSHA256 = locked.fileSHA256
        }
        for i in pinned.engines.indices {
            let e = pinned.engines[i]
            guard let image = e.image else { continue }
            guard let locked = engine(e.key), locked.spec.image == image, let reference = locked.pinnedImage else {
                throw LockMismatchError(message: "engine '\(e.key)': image '\(image)' is not pinned by this lockfile; run `arena-script lock`")
            }
            pinned.engines[i].image = reference
        }
        for i in pinned.datasets.indices {
            let d = pinned.datasets[i]
            guard let locked = dataset(d.key), locked.id == d.id, locked.revision == d.revision else {
                throw LockMismatchError(message: "dataset '\(d.key)' (\(d.id) at \(d.revision)) is not pinned by this lockfile; run `arena-script lock`")
            }
            if locked.source == .hub { pinned.datasets[i].revision = locked.sha }
        }
        return pinned
    }
}

public struct LockMismatchError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public var description: String { message }
}
