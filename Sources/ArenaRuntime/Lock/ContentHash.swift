import Foundation

/// Content hashes for local models and datasets.
///
/// A folder's hash is the sha256 of the `sha256sum`-style listing of its regular files (symbolic
/// links followed, hidden files and folders left out), one `<sha256>  <relative path>\n` line per
/// file, sorted by path bytewise. It equals
/// `cd DIR && find -L . -path '*/.*' -prune -o -type f -printf '%P\n' | LC_ALL=C sort | xargs -d '\n' sha256sum | sha256sum`.
/// A single file's hash is the sha256 of its bytes.
public enum ContentHash {
    public struct Failure: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "\(path): \(reason)" }
    }

    public static func of(path: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw Failure(path: path, reason: "no such file or folder")
        }
        if !isDirectory.boolValue { return try fileHash(path) }
        let root = URL(fileURLWithPath: path, isDirectory: true).resolvingSymlinksInPath()
        let files = try regularFiles(under: root)
        guard !files.isEmpty else { throw Failure(path: path, reason: "the folder holds no files") }
        var listing = ""
        for relative in files {
            listing += try fileHash(root.appendingPathComponent(relative).path) + "  " + relative + "\n"
        }
        return SHA256.hex(listing)
    }

    static func fileHash(_ path: String) throws -> String {
        do { return try SHA256.hex(fileAt: URL(fileURLWithPath: path)) } catch {
            throw Failure(path: path, reason: "cannot read: \(error.localizedDescription)")
        }
    }

    /// Relative paths of regular files, following symbolic links, skipping hidden names; sorted bytewise.
    static func regularFiles(under root: URL) throws -> [String] {
        var out: [String] = []
        var visited = Set<String>()
        func walk(_ dir: URL, _ prefix: String) throws {
            guard visited.insert(dir.resolvingSymlinksInPath().path).inserted else { return }
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: dir.path) } catch {
                throw Failure(path: dir.path, reason: "cannot list: \(error.localizedDescription)")
            }
            for name in names where !name.hasPrefix(".") {
                let url = dir.appendingPathComponent(name)
                var isDir: ObjCBool = false
                guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else { continue }
                let relative = prefix.isEmpty ? name : prefix + "/" + name
                if isDir.boolValue { try walk(url, relative) } else { out.append(relative) }
            }
        }
        try walk(root, "")
        return out.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
