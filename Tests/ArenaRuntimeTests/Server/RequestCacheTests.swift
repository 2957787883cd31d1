import Foundation
import Testing
@testable import ArenaRuntime

@Suite struct RequestCacheTests {
    let scope = RequestCacheScope(model: "org/model@0123456789abcdef0123456789abcdef01234567", engine: "vllm 0.8.5")

    @Test func storedResponsesSurviveReopening() throws {
        let root = try ServerFixtures.temporaryDirectory("cache-reopen")
        defer { try? FileManager.default.removeItem(at: root) }
        let body = JSONValue.object(["prompt": .string("a\nb"), "max_tokens": .int(1)])
        let payload = Data("{\"choices\":[{\"text\":\"line1\\nline2\"}]}\nwith a raw newline".utf8)
        let key: String
        do {
            let cache = try RequestCache(root: root, scope: scope)
            key = cache.key(endpoint: "/v1/completions", body: body)
            try cache.store(key, response: payload)
            #expect(cache.lookup(key) == payload)
        }
        let reopened = try RequestCache(root: root, scope: scope)
        #expect(reopened.count == 1)
        #expect(reopened.lookup(key) == payload)
        #expect(reopened.corruptRecords == 0)
    }

    @Test func keysDependOnScopeEndpointAndBodyButNotKeyOrder() throws {
        let root = try ServerFixtures.temporaryDirectory("cache-keys")
        defer { try? FileManager.default.removeItem(at: root) }
        let cache = try RequestCache(root: root, scope: scope)
        let other = try RequestCache(root: root, scope: RequestCacheScope(model: "org/model@ffffffffffffffffffffffffffffffffffffffff", engine: "vllm 0.8.5"))
        let otherEngine = try RequestCache(root: root, scope: RequestCacheScope(model: scope.model, engine: "vllm 0.9.0"))
        let a = JSONValue.object(["prompt": .string("x"), "echo": .bool(true)])
        let b = try JSONValue.parse(#"{"echo": true, "prompt": "x"}"#)
        #expect(cache.key(endpoint: "/v1/completions", body: a) == cache.key(endpoint: "/v1/completions", body: b))
        #expect(cache.key(endpoint: "/v1/completions", body: a) != cache.key(endpoint: "/tokenize", body: a))
        #expect(cache.key(endpoint: "/v1/completions", body: a) != other.key(endpoint: "/v1/completions", body: a))
        #expect(cache.key(endpoint: "/v1/completions", body: a) != otherEngine.key(endpoint: "/v1/completions", body: a))
        // Different models live in different folders: nothing one stores is visible to the other.
        let key = cache.key(endpoint: "/v1/completions", body: a)
        try cache.store(key, response: Data("1".utf8))
        #expect(other.lookup(key) == nil)
        #expect(cache.directory != other.directory)
    }

    @Test(arguments: [1, 7, 40, 73, 80])
    func aTornRecordAtTheEndIsCutOffAndLaterAppendsAreReadable(tornBytes: Int) throws {
        let root = try ServerFixtures.temporaryDirectory("cache-torn")
        defer { try? FileManager.default.removeItem(at: root) }
        let first: String
        do {
            let cache = try RequestCache(root: root, scope: scope)
            first = cache.key(endpoint: "/e", body: .int(1))
            try cache.store(first, response: Data("first".utf8))
        }
        // What a process killed in the middle of write(2) leaves: the start of a record.
        let log = try RequestCache(root: root, scope: scope).logURL
        let record = "00000000 " + String(repeating: "a", count: 64) + " 1000\n" + String(repeating: "z", count: 200)
        let handle = try FileHandle(forWritingTo: log)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(record.utf8.prefix(tornBytes)))
        try handle.close()

        let reopened = try RequestCache(root: root, scope: scope)
        #expect(reopened.count == 1)
        #expect(reopened.lookup(first) == Data("first".utf8))
        let second = reopened.key(endpoint: "/e", body: .int(2))
        try reopened.store(second, response: Data("second".utf8))
        let again = try RequestCache(root: root, scope: scope)
        #expect(again.count == 2)
        #expect(again.lookup(second) == Data("second".utf8))
    }

    @Test func aRecordWithABadChecksumIsSkippedAndTheRestKept() throws {
        let root = try ServerFixtures.temporaryDirectory("cache-crc")
        defer { try? FileManager.default.removeItem(at: root) }
        let keys: [String]
        do {
            let cache = try RequestCache(root: root, scope: scope)
            keys = (0..<3).map { cache.key(endpoint: "/e", body: .int($0)) }
            for (i, key) in keys.enumerated() { try cache.store(key, response: Data("payload-\(i)".utf8)) }
        }
        let log = try RequestCache(root: root, scope: scope).logURL
        var bytes = [UInt8](try Data(contentsOf: log))
        // Flip one byte inside the second record's payload.
        let text = String(decoding: bytes, as: UTF8.self)
        let range = try #require(text.range(of: "payload-1"))
        let offset = text.utf8.distance(from: text.startIndex, to: range.lowerBound)
        bytes[offset] ^= 0x20
        try Data(bytes).write(to: log)

        let reopened = try RequestCache(root: root, scope: scope)
        #expect(reopened.corruptRecords == 1)
        #expect(reopened.lookup(keys[0]) == Data("payload-0".utf8))
        #expect(reopened.lookup(keys[1]) == nil)
        #expect(reopened.lookup(keys[2]) == Data("payload-2".utf8))
    }

    @Test func twoWritersOnOneLogEachReadTheirOwnResponsesBack() throws {
        let root = try ServerFixtures.temporaryDirectory("cache-writers")
        defer { try? FileManager.default.removeItem(at: root) }
        // Two open file descriptions, as two processes running at once have.
        let first = try RequestCache(root: root, scope: scope)
        let second = try RequestCache(root: root, scope: scope)
        for i in 0..<20 {
            let writer = i % 2 == 0 ? first : second
            try writer.store(writer.key(endpoint: "/e", body: .int(i)), response: Data("response \(i) ".utf8 + Data(repeating: UInt8(65 + i), count: i * 3)))
        }
        for i in 0..<20 {
            let writer = i % 2 == 0 ? first : second
            let expected = Data("response \(i) ".utf8 + Data(repeating: UInt8(65 + i), count: i * 3))
            #expect(writer.lookup(writer.key(endpoint: "/e", body: .int(i))) == expected)
        }
        let reopened = try RequestCache(root: root, scope: scope)
        #expect(reopened.count == 20)
        #expect(reopened.corruptRecords == 0)
    }

    @Test func clearRemovesAllScopesOrOnlyOneModel() throws {
        let root = try ServerFixtures.temporaryDirectory("cache-clear")
        defer { try? FileManager.default.removeItem(at: root) }
        let a = try RequestCache(root: root, scope: RequestCacheScope(model: "org/a@1", engine: "e"))
        let b = try RequestCache(root: root, scope: RequestCacheScope(model: "org/b@1", engine: "e"))
        try a.store(a.key(endpoint: "/e", body: .null), response: Data("x".utf8))
        try b.store(b.key(endpoint: "/e", body: .null), response: Data("y".utf8))
        // A name is matched whole: "org/" or "org/a-large" is not org/a.
        #expect(try RequestCache.clear(root: root, model: "org/") == 0)
        #expect(try RequestCache.clear(root: root, model: "org/a") == 1)
        #expect(!FileManager.default.fileExists(atPath: a.directory.path))
        #expect(FileManager.default.fileExists(atPath: b.directory.path))
        // What is not a scope (another cache sharing the folder) is left alone.
        let other = root.appendingPathComponent("blobs/sha256/abc")
        try AtomicFile.write("data file\n", to: other)
        #expect(try RequestCache.clear(root: root) == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["blobs"])
        #expect(FileManager.default.fileExists(atPath: other.path))
    }

    @Test func namesAreRecordedBesideTheScopeAndMatchedByClear() throws {
        let root = try ServerFixtures.temporaryDirectory("cache-names")
        defer { try? FileManager.default.removeItem(at: root) }
        let scope = RequestCacheScope(model: "../models/x@sha256:abc", engine: "endpoint 0.8.5", names: ["tuned", "../models/x", "/repo/models/x"])
        _ = try RequestCache(root: root, scope: scope)
        // Opening it again under another name adds that name; the scope (and its folder) stays the same.
        let again = try RequestCache(root: root, scope: RequestCacheScope(model: scope.model, engine: scope.engine, names: ["x-served"]))
        #expect(again.directory == root.appendingPathComponent(scope.digest))
        #expect(again.scope.names == ["../models/x", "/repo/models/x", "tuned", "x-served"])
        let listed = try RequestCache.scopes(root: root)
        #expect(listed.map(\.scope.names) == [["../models/x", "/repo/models/x", "tuned", "x-served"]])
        #expect(try RequestCache.clear(root: root, model: "tune") == 0)
        #expect(try RequestCache.clear(root: root, model: "x-served") == 1)
        #expect(try RequestCache.scopes(root: root).isEmpty)
    }

    @Test func defaultRootHonoursTheEnvironment() {
        #expect(RequestCache.defaultRoot(environment: ["ARENA_CACHE_DIR": "/x/y"]).path == "/x/y/requests")
        #expect(RequestCache.defaultRoot(environment: ["XDG_CACHE_HOME": "/c"]).path == "/c/arena-script/requests")
    }
}

@Suite(.serialized) struct OpenAIServerClientTests {
    @Test func aSecondRunIsAnsweredFromTheCacheWithoutSendingAgain() async throws {
        let root = try ServerFixtures.temporaryDirectory("client-cache")
        defer { try? FileManager.default.removeItem(at: root) }
        let countFile = root.appendingPathComponent("count.txt")
        let server = try FakeServer(environment: ["FAKE_COUNT_FILE": countFile.path])
        let scope = RequestCacheScope(model: "fake/model@abc", engine: "vllm 0.8.5")
        let bodies = (0..<20).map { i in
            JSONValue.object(["model": .string(server.model), "prompt": .array([.string("a\(i)"), .string("b\(i)")]),
                              "echo": .bool(true), "max_tokens": .int(0), "logprobs": .int(1)])
        }
        let first = try await OpenAIServerClient(baseURL: server.baseURL, cache: RequestCache(root: root, scope: scope))
            .post("/v1/completions", bodies: bodies)
        let sentAfterFirst = try String(contentsOf: countFile, encoding: .utf8).split(separator: "\n").count
        #expect(sentAfterFirst == 40)

        let client = OpenAIServerClient(baseURL: server.baseURL, cache: try RequestCache(root: root, scope: scope))
        let second = try await client.post("/v1/completions", bodies: bodies)
        #expect(second == first)
        #expect(client.counts == RequestCounts(cached: 20, sent: 0))
        #expect(try String(contentsOf: countFile, encoding: .utf8).split(separator: "\n").count == sentAfterFirst)
    }

    @Test func malformedJSONFailsClearlyAndIsNotCached() async throws {
        let root = try ServerFixtures.temporaryDirectory("client-malformed")
        defer { try? FileManager.default.removeItem(at: root) }
        let server = try FakeServer(environment: ["FAKE_MALFORMED": "1"])
        let cache = try RequestCache(root: root, scope: RequestCacheScope(model: "m@1", engine: "e"))
        let client = OpenAIServerClient(baseURL: server.baseURL, cache: cache)
        let body = JSONValue.object(["model": .string(server.model), "prompt": .string("x")])
        await #expect {
            _ = try await client.post("/v1/completions", bodies: [body])
        } throws: { error in
            "\(error)".contains("not valid JSON") && "\(error)".contains("/v1/completions")
        }
        #expect(cache.count == 0)
    }
}
