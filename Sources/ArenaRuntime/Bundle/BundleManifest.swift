import Foundation

/// `manifest.json`: the sha256 and size of every file in a result bundle, so that any change to any
/// byte is found by `verify`. The manifest itself and the timing file are outside the hash.
public struct BundleManifest: Sendable, Equatable {
    public static let fileName = "manifest.json"
    /// Wall-clock data lives here, outside the manifest, so everything else is byte-identical across runs.
    public static let unhashedFiles: Set<String> = [fileName, "timing.json"]
    public static let formatVersion = 1

    public struct Entry: Sendable, Equatable {
        public var sha256: String
        public var size: Int
    }

    /// Bundle-relative paths ("/"-separated) to their entries.
    public var files: [String: Entry]

    public init(files: [String: Entry]) { self.files = files }

    /// Hashes every regular file under `root` except the unhashed ones.
    public static func scan(root: URL) throws -> BundleManifest {
        var files: [String: Entry] = [:]
        for path in try relativeFiles(under: root) where !unhashedFiles.contains(path) {
            let url = root.appendingPathComponent(path)
            let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0
            files[path] = Entry(sha256: try SHA256.hex(fileAt: url), size: size)
        }
        return BundleManifest(files: files)
    }

    public var json: JSONValue {
        .object([
            "format": .int(Self.formatVersion),
            "files": .object(files.mapValues { .object(["sha256": .string($0.sha256), "size": .int($0.size)]) }),
        ])
    }

    public func write(to root: URL) throws {
        try AtomicFile.write(json.serializedData(), to: root.appendingPathComponent(Self.fileName))
    }

    public static func read(from root: URL) throws -> BundleManifest {
        let url = root.appendingPathComponent(fileName)
        let json: JSONValue
        do { json = try JSONValue.parse(try Data(contentsOf: url)) } catch {
            throw BundleError.unreadable(path: url.path, reason: "\(error)")
        }
        guard json["format"]?.intValue == formatVersion, let entries = json["files"]?.objectValue else {
            throw BundleError.unreadable(path: url.path, reason: "not a format-\(formatVersion) manifest")
        }
        var files: [String: Entry] = [:]
        for (path, value) in entries {
            guard let sha = value["sha256"]?.stringValue, let size = value["size"]?.intValue else {
                throw BundleError.unreadable(path: url.path, reason: "entry '\(path)' lacks sha256 or size")
            }
            files[path] = Entry(sha256: sha, size: size)
        }
        return BundleManifest(files: files)
    }

    /// Compares the files on disk with the manifest; problems come sorted by path.
    public func check(root: URL) throws -> [ManifestProblem] {
        let actual = try Self.scan(root: root)
        var problems: [ManifestProblem] = []
        for path in Set(files.keys).union(actual.files.keys).sorted() {
            switch (files[path], actual.files[path]) {
            case let (expected?, found?) where expected != found:
                problems.append(.modified(path: path, expected: expected.sha256, actual: found.sha256))
            case (_?, nil): problems.append(.missing(path: path))
            case (nil, _?): problems.append(.unexpected(path: path))
            default: break
            }
        }
        return problems
    }

    static func relativeFiles(under root: URL) throws -> [String] {
        let base = root.standardizedFileURL.path
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else {
            throw BundleError.unreadable(path: root.path, reason: "cannot list directory")
        }
        var paths: [String] = []
        for case let url as URL in enumerator {
            guard (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true else { continue }
            let full = url.standardizedFileURL.path
            guard full.hasPrefix(base + "/") else { continue }
            let relative = String(full.dropFirst(base.count + 1))
            if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            paths.append(relative)
        }
        return paths.sorted()
    }
}

public enum ManifestProblem: Sendable, Equatable, CustomStringConvertible {
    case modified(path: String, expected: String, actual: String)
    case missing(path: String)
    case unexpected(path: String)

    public var path: String {
        switch self {
        case let .modified(path, _, _), let .missing(path), let .unexpected(path): return path
        }
    }

    public var description: String {
        switch self {
        case let .modified(path, expected, actual): return "\(path): sha256 \(actual) does not match the manifest's \(expected)"
        case let .missing(path): return "\(path): listed in the manifest but missing"
        case let .unexpected(path): return "\(path): not listed in the manifest"
        }
    }
}

public enum BundleError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "\(path): \(reason)"
        }
    }
}
