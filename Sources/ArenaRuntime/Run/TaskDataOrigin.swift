import Foundation

/// Where a task's documents came from, as a bundle records it: results.json's `configs` entry
/// names the data the task actually read, never the task's default Hub dataset when local files
/// stood in for it.
public enum TaskDataOrigin: Sendable, Equatable {
    /// A Hub dataset at a commit.
    case hub(id: String, config: String?, revision: String)
    /// Local files per split, each with its path relative to the repository root (absolute when
    /// outside it) and its sha256.
    case local(files: [String: [DataFileRecord]])

    /// The origin of documents loaded from `source` for each split, local paths made relative to `root`.
    static func of(_ sources: [String: DatasetSource], files: [String: [DataFileRecord]], root: URL) -> TaskDataOrigin {
        if case let .hub(id, revision, config)? = sources.values.first {
            return .hub(id: id, config: config, revision: revision)
        }
        return .local(files: files.mapValues { $0.map { $0.relative(to: root) } })
    }

    /// The `datasets` builder lm-eval names local data by (`dataset_path: json` and `data_files`).
    static func builder(forFile path: String) -> String {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "csv": return "csv"
        case "parquet": return "parquet"
        default: return "json"
        }
    }

    /// `config` (lm-eval's `configs` entry for the task) with the dataset fields replaced by this
    /// origin: `dataset_path`/`dataset_name` and `dataset_kwargs` (`revision` for the Hub,
    /// `data_files` per split for local files, as lm-eval writes a local dataset), and for local
    /// files `data_files_sha256` per split.
    public func applied(to config: JSONValue) -> JSONValue {
        guard case var .object(fields) = config else { return config }
        switch self {
        case let .hub(id, datasetConfig, revision):
            fields["dataset_path"] = .string(id)
            fields["dataset_name"] = datasetConfig.map { .string($0) } ?? .null
            fields["dataset_kwargs"] = .object(["revision": .string(revision)])
        case let .local(files):
            let splits = files.keys.sorted()
            let first = splits.first.flatMap { files[$0]?.first?.path } ?? ""
            func perSplit(_ value: (DataFileRecord) -> String) -> JSONValue {
                .object(Dictionary(uniqueKeysWithValues: splits.map { split in
                    let records = files[split] ?? []
                    return (split, records.count == 1 ? .string(value(records[0])) : .array(records.map { .string(value($0)) }))
                }))
            }
            fields["dataset_path"] = .string(Self.builder(forFile: first))
            fields["dataset_name"] = .null
            fields["dataset_kwargs"] = .object(["data_files": perSplit(\.path)])
            fields["data_files_sha256"] = perSplit(\.sha256)
        }
        return .object(fields)
    }
}

extension DataFileRecord {
    /// The record with a local path relative to `root` (Hub addresses and paths outside `root` kept).
    func relative(to root: URL) -> DataFileRecord {
        guard path.hasPrefix("/"), let inside = GitProvenanceReader.relativePath(URL(fileURLWithPath: path), inside: root) else { return self }
        return DataFileRecord(path: inside, sha256: sha256, size: size)
    }
}
