import CCrypto
import Foundation

public enum HubFilesError: Error, CustomStringConvertible, Equatable {
    case request(String)
    case unauthorized(repo: String, message: String)
    case notFound(repo: String, message: String)
    case noFiles(repo: String, revision: String, config: String?, split: String, available: [String])
    case checksumMismatch(address: String, expected: String, actual: String)
    case offlineMissing(String)
    case cacheCorrupt(String)
    case cacheWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case let .request(message): return message
        case let .unauthorized(repo, message):
            return "dataset \(repo): access denied (\(message)); set HF_TOKEN to a token that can read it"
        case let .notFound(repo, message): return "dataset \(repo): not found (\(message))"
        case let .noFiles(repo, revision, config, split, available):
            let shown = available.prefix(12).joined(separator: ", ")
            return "dataset \(repo) at \(revision): no data files (Parquet, JSONL, CSV) for config '\(config ?? "default")' split '\(split)'"
                + (available.isEmpty ? "" : " (Parquet files there: \(shown)\(available.count > 12 ? ", …" : ""))")
        case let .checksumMismatch(address, expected, actual):
            return "\(address): downloaded bytes have sha256 \(actual), the Hub lists \(expected); the file was not cached"
        case let .offlineMissing(what): return "offline mode: \(what) is not in the cache"
        case let .cacheCorrupt(message): return "cache index is corrupt: \(message)"
        case let .cacheWrite(path, reason): return "\(path): cannot write to the cache: \(reason)"
        }
    }
}

/// One file of a tree listing. `sha256` is the LFS object id; files kept in git itself carry only
/// their git blob id (`gitOid`, SHA-1 of "blob <size>\0" + bytes).
struct HubTreeEntry: Sendable, Equatable {
    var path: String
    var size: Int
    var sha256: String?
    var gitOid: String?
}

/// Which kind of Hub repository a call addresses: datasets live under `/api/datasets/` and
/// `/datasets/<id>/resolve/`, models under `/api/models/` and `/<id>/resolve/`.
public enum HubRepoKind: String, Sendable, Equatable {
    case dataset
    case model

    /// The API path segment: `datasets` or `models`.
    var apiSegment: String { self == .dataset ? "datasets" : "models" }

    /// What precedes the repo id in `resolve` URLs and `hf://` addresses: `datasets/` or nothing.
    var pathPrefix: String { self == .dataset ? "datasets/" : "" }
}

/// The Hub API calls the file stores make: tree listing (paginated through the `Link` header),
/// revision lookup, and file download through `resolve`, for datasets or models (`kind`).
struct HubFilesAPI: Sendable {
    let auth: HubAuth
    let client: HTTPClient
    var kind: HubRepoKind = .dataset

    /// The same client and credentials, addressing repositories of another kind.
    func addressing(_ kind: HubRepoKind) -> HubFilesAPI {
        var api = self
        api.kind = kind
        return api
    }

    static func encodeRevision(_ revision: String) -> String {
        revision.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? revision
    }

    static func encodePath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map {
            String($0).addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? String($0)
        }.joined(separator: "/")
    }

    /// Every file in the repository at `revision`.
    func listFiles(repo: String, revision: String) throws -> [HubTreeEntry] {
        var url: String? = "\(auth.endpoint)/api/\(kind.apiSegment)/\(repo)/tree/\(Self.encodeRevision(revision))?recursive=true&expand=false"
        var entries: [HubTreeEntry] = []
        var pages = 0
        while let next = url {
            pages += 1
            guard pages <= 10_000 else { throw HubFilesError.request("\(kind.rawValue) \(repo): tree listing does not end") }
            let response = try get(next, repo: repo)
            guard let items = try response.json().arrayValue else {
                throw HubFilesError.request("\(HTTPClient.redact(next)): tree listing is not a JSON array")
            }
            for item in items where item["type"]?.stringValue == "file" {
                guard let path = item["path"]?.stringValue, let size = item["size"]?.intValue else {
                    throw HubFilesError.request("\(HTTPClient.redact(next)): tree entry without path or size")
                }
                let lfs = item["lfs"]
                entries.append(HubTreeEntry(path: path, size: lfs?["size"]?.intValue ?? size,
                                            sha256: lfs?["oid"]?.stringValue ?? lfs?["sha256"]?.stringValue,
                                            gitOid: item["oid"]?.stringValue))
            }
            url = Self.nextLink(response.headers["link"])
        }
        return entries
    }

    /// The commit a branch or tag points at (`/api/datasets/<repo>/revision/<ref>` -> `sha`).
    func resolveCommit(repo: String, revision: String) throws -> String {
        let url = "\(auth.endpoint)/api/\(kind.apiSegment)/\(repo)/revision/\(Self.encodeRevision(revision))"
        guard let sha = try get(url, repo: repo).json()["sha"]?.stringValue else {
            throw HubFilesError.request("\(HTTPClient.redact(url)): response has no sha")
        }
        return sha
    }

    func resolveURL(repo: String, revision: String, path: String) -> String {
        "\(auth.endpoint)/\(kind.pathPrefix)\(repo)/resolve/\(Self.encodeRevision(revision))/\(Self.encodePath(path))"
    }

    /// A small file's bytes (the dataset card), read into memory.
    func fetch(repo: String, revision: String, path: String) throws -> Data {
        try get(resolveURL(repo: repo, revision: revision, path: path), repo: repo).body
    }

    func download(repo: String, revision: String, path: String, to destination: URL) throws {
        let url = resolveURL(repo: repo, revision: revision, path: path)
        let response: HTTPResponse
        do { response = try client.download(HTTPRequest(url: url, headers: auth.headers, timeout: 3600), to: destination) } catch {
            throw HubFilesError.request("\(error)")
        }
        _ = try checked(response, url: url, repo: repo, body: { (try? Data(contentsOf: destination)) ?? Data() })
    }

    private func get(_ url: String, repo: String) throws -> HTTPResponse {
        let response: HTTPResponse
        do { response = try client.send(HTTPRequest(url: url, headers: auth.headers)) } catch {
            throw HubFilesError.request("\(error)")
        }
        return try checked(response, url: url, repo: repo, body: { response.body })
    }

    private func checked(_ response: HTTPResponse, url: String, repo: String, body: () -> Data) throws -> HTTPResponse {
        guard (200..<300).contains(response.status) else {
            let message = "\(HTTPClient.redact(url)): HTTP \(response.status)" + {
                let text = HTTPClient.serverMessage(body().prefix(4096))
                return text.isEmpty ? "" : ": \(text)"
            }()
            switch response.status {
            case 401, 403: throw HubFilesError.unauthorized(repo: repo, message: message)
            case 404: throw HubFilesError.notFound(repo: repo, message: message)
            default: throw HubFilesError.request(message)
            }
        }
        return response
    }

    /// The `rel="next"` target of an RFC 8288 Link header.
    static func nextLink(_ header: String?) -> String? {
        guard let header else { return nil }
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let target = pieces.first, target.hasPrefix("<"), target.hasSuffix(">") else { continue }
            if pieces.dropFirst().contains(where: { $0.replacingOccurrences(of: "\"", with: "") == "rel=next" }) {
                return String(target.dropFirst().dropLast())
            }
        }
        return nil
    }
}

/// Git's blob id: SHA-1 of "blob <size>\0" followed by the bytes (what the Hub lists as `oid` for
/// files not stored in LFS).
func gitBlobSHA1(fileAt url: URL) throws -> String {
    let data = try Data(contentsOf: url)
    guard let context = EVP_MD_CTX_new() else { throw HubFilesError.request("EVP_MD_CTX_new failed") }
    defer { EVP_MD_CTX_free(context) }
    EVP_DigestInit_ex(context, EVP_sha1(), nil)
    let header = Array("blob \(data.count)\u{0}".utf8)
    EVP_DigestUpdate(context, header, header.count)
    data.withUnsafeBytes { raw in
        if let base = raw.baseAddress { _ = EVP_DigestUpdate(context, base, raw.count) }
    }
    var digest = [UInt8](repeating: 0, count: 20)
    var length: UInt32 = 0
    EVP_DigestFinal_ex(context, &digest, &length)
    return hexString(digest)
}
