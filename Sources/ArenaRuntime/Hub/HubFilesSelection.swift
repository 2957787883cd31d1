import Foundation

/// Picks the data files of one config and split from a dataset's file list, the way `datasets`
/// finds them in a repository without a loading script:
/// - files under a folder named after the config (`main/test-00000-of-00001.parquet`,
///   `ARC-Easy/test-…`, the conversion branch's `<config>/<split>/0000.parquet`); for no config
///   or `default`, a `default/` folder when there is one, else the whole repository
///   (`data/test-*.parquet`);
/// - of those, the files with the split's name (or one of its `datasets` synonyms: train/training,
///   validation/valid/dev/val, test/testing/eval/evaluation) as a word of their path, words being
///   separated by `/ - _ . ` and space;
/// - partial conversions (`partial-<split>/`) are left out, as they lack rows;
/// - sorted by path, which is the order their rows are read in.
public enum HubFilesSelection {
    public static func select(_ paths: [String], config: String?, split: String, extensions: [String] = ["parquet"]) -> [String] {
        let dataFiles = paths.filter { path in
            let components = path.split(separator: "/")
            guard !components.contains(where: { $0.hasPrefix(".") }) else { return false }
            return extensions.contains { path.lowercased().hasSuffix("." + $0) }
        }
        let scope: String?
        if let config, config != "default" {
            scope = config
        } else if dataFiles.contains(where: { $0.hasPrefix("default/") }) {
            scope = "default"
        } else {
            scope = nil
        }
        let inScope: [(path: String, relative: Substring)] = dataFiles.compactMap { path in
            guard let scope else { return (path, path[...]) }
            guard path.hasPrefix(scope + "/") else { return nil }
            return (path, path.dropFirst(scope.count + 1))
        }
        let names = Set(synonyms(of: split))
        return inScope.filter { entry in
            let folders = entry.relative.split(separator: "/").dropLast()
            if folders.contains(where: { $0.hasPrefix("partial-") || $0.hasPrefix("partial_") }) { return false }
            let words = entry.relative.split(whereSeparator: { "/-_. ".contains($0) }).map { $0.lowercased() }
            return words.contains { names.contains($0) }
        }.map(\.path).sorted()
    }

    static func synonyms(of split: String) -> [String] {
        let lowered = split.lowercased()
        switch lowered {
        case "train": return ["train", "training"]
        case "validation": return ["validation", "valid", "dev", "val"]
        case "test": return ["test", "testing", "eval", "evaluation"]
        default: return [lowered]
        }
    }
}
