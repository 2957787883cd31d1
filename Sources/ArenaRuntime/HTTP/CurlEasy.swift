import CCurl
import Foundation

/// libcurl is initialised once per process, before the first handle is made.
enum CurlGlobal {
    static let initialized: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
    }()
}

/// Receives body and header bytes from libcurl callbacks.
final class CurlSink {
    var body = Data()
    var headerLines: [String] = []
    /// When set, body bytes stream here instead of accumulating in `body`.
    var fileHandle: FileHandle?
    var writeError: Error?

    func parsedHeaders() -> [String: String] {
        // Only the last response's headers count (redirects and 100-continue send several blocks).
        var headers: [String: String] = [:]
        for line in headerLines {
            if line.hasPrefix("HTTP/") { headers = [:]; continue }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
            headers[name] = value
        }
        return headers
    }
}

/// A libcurl header list, freed in deinit, that several easy handles may send. It always ends with
/// an empty `Expect:`, which stops libcurl's `Expect: 100-continue` (one round trip) on bodies over 1 KiB.
final class CurlHeaderList {
    let pointer: UnsafeMutablePointer<curl_slist>?

    init(_ headers: [(String, String)]) {
        var list: UnsafeMutablePointer<curl_slist>?
        for (name, value) in headers {
            list = curl_slist_append(list, "\(name): \(value)")
        }
        list = curl_slist_append(list, "Expect:")
        pointer = list
    }

    deinit { if let pointer { curl_slist_free_all(pointer) } }
}

/// One libcurl easy handle, freed in deinit. Not shared between threads.
final class CurlEasy {
    let handle: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?

    init() throws {
        _ = CurlGlobal.initialized
        guard let h = curl_easy_init() else { throw HTTPError.transport(url: "", message: "curl_easy_init failed") }
        handle = h
    }

    deinit {
        if let headerList { curl_slist_free_all(headerList) }
        curl_easy_cleanup(handle)
    }

    func set(_ option: CURLoption, _ value: Int) { _ = arena_curl_setopt_long(handle, option, value) }
    func set(_ option: CURLoption, _ value: String) {
        _ = value.withCString { arena_curl_setopt_ptr(handle, option, $0) }
    }

    func setHeaders(_ headers: [(String, String)]) {
        if let headerList { curl_slist_free_all(headerList); self.headerList = nil }
        var list: UnsafeMutablePointer<curl_slist>?
        for (name, value) in headers {
            list = curl_slist_append(list, "\(name): \(value)")
        }
        // Suppress libcurl's automatic "Expect: 100-continue" on large bodies.
        list = curl_slist_append(list, "Expect:")
        headerList = list
        _ = arena_curl_setopt_ptr(handle, CURLOPT_HTTPHEADER, list)
    }

    /// Sends `list` as the request headers; the caller keeps `list` alive for the transfer.
    func use(_ list: CurlHeaderList) {
        _ = arena_curl_setopt_ptr(handle, CURLOPT_HTTPHEADER, list.pointer)
    }

    /// Installs write and header callbacks that feed `sink`. The caller keeps `sink` alive
    /// for the duration of the transfer.
    func attach(_ sink: CurlSink) {
        let opaque = Unmanaged.passUnretained(sink).toOpaque()
        _ = arena_curl_setopt_cb(handle, CURLOPT_WRITEFUNCTION, curlWriteCallback)
        _ = arena_curl_setopt_ptr(handle, CURLOPT_WRITEDATA, opaque)
        _ = arena_curl_setopt_cb(handle, CURLOPT_HEADERFUNCTION, curlHeaderCallback)
        _ = arena_curl_setopt_ptr(handle, CURLOPT_HEADERDATA, opaque)
    }

    var responseCode: Int {
        var code: Int = 0
        _ = arena_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    static func message(for code: CURLcode) -> String {
        String(cString: curl_easy_strerror(code))
    }
}

private let curlWriteCallback: arena_curl_data_cb = { pointer, size, count, userdata in
    guard let pointer, let userdata else { return 0 }
    let sink = Unmanaged<CurlSink>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    let buffer = UnsafeRawBufferPointer(start: pointer, count: length)
    if let file = sink.fileHandle {
        do { try file.write(contentsOf: buffer) } catch {
            sink.writeError = error
            return 0
        }
    } else {
        sink.body.append(contentsOf: buffer)
    }
    return length
}

private let curlHeaderCallback: arena_curl_data_cb = { pointer, size, count, userdata in
    guard let pointer, let userdata else { return 0 }
    let sink = Unmanaged<CurlSink>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    let line = String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
    sink.headerLines.append(line.trimmingCharacters(in: .newlines))
    return length
}
