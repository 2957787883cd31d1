import Foundation

/// Writes files so that readers see either the old content or the new, never a half-written file:
/// the bytes go to a temporary file in the same directory, which is then renamed over the target.
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let temp = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt64.random(in: 0 ... .max))")
        do {
            try data.write(to: temp)
            if rename(temp.path, url.path) != 0 {
                let message = String(cString: strerror(errno))
                throw AtomicFileError.renameFailed(path: url.path, reason: message)
            }
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw error
        }
    }

    public static func write(_ string: String, to url: URL) throws {
        try write(Data(string.utf8), to: url)
    }
}

public enum AtomicFileError: Error, CustomStringConvertible {
    case renameFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .renameFailed(path, reason): return "\(path): could not replace file: \(reason)"
        }
    }
}
