import Foundation

/// A content hash of a model folder: SHA-256 over the sorted lines `<sha256 of file>  <relative
/// path>` of every regular file (hidden files excluded), so it changes with any weight, config or
/// tokenizer byte and never with the folder's location or timestamps. A single-file model (a GGUF
/// file) is hashed as itself: the SHA-256 of its bytes, as `sha256sum FILE` prints it.
public enum ModelFolderHash {
    public static func compute(_ folder: URL) throws -> String {
        let root = folder.standardizedFileURL.resolvingSymlinksInPath()
        if (try? root.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
            do { return try SHA256.hex(fileAt: root) } catch {
                throw NativeModelError.unreadableFile(path: folder.path, reason: error.localizedDescription)
            }
        }
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles]) else {
            throw NativeModelError.unreadableFile(path: folder.path, reason: "cannot list the folder")
        }
        var lines: [String] = []
        let prefix = root.path.hasSuffix("/") ? root.path : root.path + "/"
        for case let url as URL in enumerator {
            let values = try url.resourceValues(forKeys: [.isRegularFileKey])
            guard values.isRegularFile == true else { continue }
            let full = url.resolvingSymlinksInPath().path
            let relative = full.hasPrefix(prefix) ? String(full.dropFirst(prefix.count)) : url.lastPathComponent
            do {
                lines.append("\(try SHA256.hex(fileAt: url))  \(relative)\n")
            } catch {
                throw NativeModelError.unreadableFile(path: url.path, reason: error.localizedDescription)
            }
        }
        guard !lines.isEmpty else { throw NativeModelError.unreadableFile(path: folder.path, reason: "the folder holds no files") }
        lines.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return SHA256.hex(lines.joined())
    }
}
