import ArenaRuntime
import ArenaScript
import Foundation
import Testing

/// The check-time rules for built-in arguments, through real experiment text.
@Suite struct ArgumentRuleTests {
    func severities(_ source: String) -> [Severity] {
        PlanLoader.check(source: source, path: "rules.arena").diagnostics.filter { $0.line == 1 }.map(\.severity)
    }

    static let digest = String(repeating: "ab", count: 32)

    @Test(arguments: [
        ("vllm/vllm-openai:v0.8.5", [Severity]()),
        ("lmsysorg/sglang:v0.4.6.post1", []),
        ("nvcr.io/nvidia/vllm:24.01-py3", []),
        ("localhost:5000/team/vllm:dev", []),
        ("vllm/vllm-openai@sha256:\(digest)", []),
        ("vllm/vllm-openai:v0.8.5@sha256:\(digest)", []),
        ("vllm/vllm-openai:latest", [.warning]),
        ("vllm/vllm-openai", [.warning]),
        ("vllm/vllm-openai@sha256:\(digest.uppercased())", [.error]),
        ("vllm/vllm-openai@sha512:\(digest)", [.error]),
        ("VLLM/vllm-openai:v1", [.error]),
        ("vllm/vllm-openai:", [.error]),
        ("vllm//openai:v1", [.error]),
    ])
    func images(image: String, expected: [Severity]) {
        #expect(severities("let e = vllm(image: \"\(image)\")\nevaluate(model(\"a/b\"), on: gsm8k, with: e)") == expected)
    }

    /// `served_name:` is a non-empty string; on a model evaluated only in-process it does nothing, a warning.
    @Test(arguments: [
        ("\"org/name-awq\"", "endpoint(url: \"http://127.0.0.1:8000\")", [Severity]()),
        ("\"x\"", "vllm(command: \"vllm serve\")", []),
        ("\"\"", "endpoint(url: \"http://127.0.0.1:8000\")", [.error]),
        ("3", "endpoint(url: \"http://127.0.0.1:8000\")", [.error]),
        ("\"x\"", "native()", [.warning]),
    ])
    func servedNames(name: String, engine: String, expected: [Severity]) {
        #expect(severities("let m = model(\"org/name\", served_name: \(name))\nevaluate(m, on: gsm8k, with: \(engine))") == expected)
    }

    /// The served name reaches the plan.
    @Test func theServedNameIsInThePlan() throws {
        let result = PlanLoader.check(source: "let m = model(\"org/name\", served_name: \"alias\")\nevaluate(m, on: gsm8k, with: endpoint(url: \"http://h:1\"))", path: "p.arena")
        #expect(try #require(result.plan).models.first?.servedName == "alias")
    }

    @Test(arguments: [
        ("main", [Severity]()), ("v1.0", []), ("refs/pr/12", []), ("release/2024-06", []),
        ("0123456789abcdef0123456789abcdef01234567", []),
        ("0123abc", [.warning]),
        ("", [.error]), ("a b", [.error]), ("a..b", [.error]), ("x.lock", [.error]), ("-x", [.error]),
        ("a~1", [.error]), ("a:b", [.error]), ("/main", [.error]), ("main/", [.error]), ("@", [.error]), ("a@{1}", [.error]),
    ])
    func revisions(revision: String, expected: [Severity]) {
        #expect(severities("let m = model(\"org/name\", revision: \"\(revision)\")\nevaluate(m, on: gsm8k)") == expected)
    }

    /// Local paths (which `check` also opens) name the repository's tiny model three ways: `./`,
    /// `../` and absolute, from the package folder the tests run in.
    static let localModelPaths: [String] = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return ["./models/tiny-llama", "../\(root.lastPathComponent)/models/tiny-llama", root.appendingPathComponent("models/tiny-llama").path]
    }()

    @Test(arguments: [
        ("Qwen/Qwen2.5-3B-Instruct", true), ("gpt2", true), (localModelPaths[0], true), (localModelPaths[1], true), (localModelPaths[2], true),
        ("a/b/c", false), ("org/na me", false), ("-org/name", false), ("org/name.", false), ("org--x/name", false), ("", false),
    ])
    func repositoryIDs(id: String, valid: Bool) {
        #expect(severities("let m = model(\"\(id)\")\nevaluate(m, on: gsm8k)").contains(.error) == !valid)
    }

    @Test(arguments: [
        ("http://127.0.0.1:8000/v1", true), ("https://api.example.com", true), ("HTTP://host", true),
        ("ftp://host", false), ("http://", false), ("127.0.0.1:8000", false), ("http://a b", false),
    ])
    func urls(url: String, valid: Bool) {
        #expect(severities("let e = endpoint(url: \"\(url)\")\nevaluate(model(\"a/b\"), on: gsm8k, with: e)").contains(.error) == !valid)
    }

    @Test func numericLimitsOfEngineSettings() {
        let ok = severities("let e = vllm(image: \"v/v:1\", gpus: 2, tp: 2, gpu_memory_utilization: 1, max_model_len: 1)\nevaluate(model(\"a/b\"), on: gsm8k, with: e)")
        #expect(ok.isEmpty)
        #expect(severities("let e = vllm(image: \"v/v:1\", gpu_memory_utilization: 0)") == [.error])
        #expect(severities("let e = vllm(image: \"v/v:1\", gpu_memory_utilization: 1.5)") == [.error])
        #expect(severities("let e = vllm(image: \"v/v:1\", concurrency: 0.5)") == [.error])
        #expect(severities("let e = native(threads: 0)") == [.error])
        #expect(severities("let t = tolerance(abs: -0.1)") == [.error])
        #expect(severities("let t = tolerance(abs: 0.1, alpha: 1)") == [.error])
        #expect(severities("let e = vllm(image: \"v/v:1\", harness: \"lm_eval\")") == [.error])
        #expect(severities("let e = vllm(image: \"v/v:1\", gpu: \"l40s\")\nevaluate(model(\"a/b\"), on: gsm8k, with: e)").isEmpty)
    }
}
