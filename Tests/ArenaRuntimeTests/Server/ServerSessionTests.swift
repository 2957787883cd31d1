import ArenaScript
import Foundation
import Testing
@testable import ArenaRuntime

/// A scratch directory, the stand-in executables first on PATH, and helpers to inspect what ran.
struct StandInEnvironment {
    let directory: URL
    let secret = "hf_SECRET_\(UInt64.random(in: 1 ... .max))"
    var argvFile: URL { directory.appendingPathComponent("argv.txt") }
    var environment: [String: String]

    init(_ name: String, extra: [String: String] = [:]) throws {
        directory = try ServerFixtures.temporaryDirectory(name)
        let python = try ServerFixtures.python()
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        environment = [
            "PATH": ServerFixtures.binDirectory.path + ":" + path,
            "ARENA_TEST_PYTHON": python,
            "FAKE_DOCKER_STATE": directory.appendingPathComponent("docker-state").path,
            "FAKE_DOCKER_ARGV": directory.appendingPathComponent("argv.txt").path,
            "FAKE_VLLM_ARGV": directory.appendingPathComponent("argv.txt").path,
            "FAKE_SGLANG_ARGV": directory.appendingPathComponent("argv.txt").path,
            "HF_TOKEN": secret,
        ]
        for (k, v) in extra { environment[k] = v }
    }

    func options(startupTimeout: Double = 30, stopGrace: Double = 2, log: LogLines? = nil) -> ServerSessionOptions {
        ServerSessionOptions(logDirectory: directory.appendingPathComponent("logs"), cacheRoot: directory.appendingPathComponent("cache"),
                             huggingFaceCache: directory.appendingPathComponent("hf"), startupTimeout: startupTimeout,
                             stopGrace: stopGrace, requestTimeout: 10, retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.01, maxDelay: 0.05),
                             environment: environment, pollInterval: 0.1, log: log?.append)
    }

    var argvLines: [[String]] {
        ((try? String(contentsOf: argvFile, encoding: .utf8)) ?? "").split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
    }

    /// Every process whose command line mentions `port`: what would be left behind.
    static func processes(mentioning port: Int) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            let words = String(decoding: data, as: UTF8.self).split(separator: "\0")
            return words.contains("\(port)") && ServerFixtures.isAlive(pid)
        }
    }

    func cleanUp() { try? FileManager.default.removeItem(at: directory) }
}

let testModel = ModelSpec(key: "base", id: "org/tiny-model", revision: "main")
let testPins = ServerLaunchPins(modelCommit: "0123456789abcdef0123456789abcdef01234567",
                                imageDigest: "sha256:" + String(repeating: "ab", count: 32))

@Suite(.serialized) struct ServerSessionTests {
    @Test func dockerVLLMStartsByDigestServesTheModelAndStopsWithoutLeftovers() async throws {
        let stand = try StandInEnvironment("docker-vllm")
        defer { stand.cleanUp() }
        let engine = EngineSpec(key: "server", kind: .vllm, image: "vllm/vllm-openai:v0.8.5", tensorParallel: 2, precision: "bf16",
                                maxModelLength: 4096, gpuMemoryFraction: 0.85, extraArgs: ["--enforce-eager"])
        let session = ServerSession(engine: engine, options: stand.options())
        let server = try await session.start(model: testModel, pins: testPins, seed: 1234)
        #expect(server.servedModels == ["org/tiny-model"])
        #expect(server.version == "0.8.5")
        #expect(server.identity.version == "sha256:\(String(repeating: "ab", count: 32)) 0.8.5")
        #expect(server.identity.model == "org/tiny-model@\(testPins.modelCommit)")
        let answer = try await server.client.post("/v1/completions", bodies: [
            .object(["model": .string("org/tiny-model"), "prompt": .string("hi"), "echo": .bool(true), "max_tokens": .int(0), "logprobs": .int(1)]),
        ])
        #expect(answer.first?["choices"]?.arrayValue?.first?["text"]?.stringValue == "hi")
        session.stop()

        let run = try #require(stand.argvLines.first)
        #expect(run.starts(with: ["docker", "run", "--rm", "--name"]))
        #expect(run.contains("vllm/vllm-openai@sha256:\(String(repeating: "ab", count: 32))"))
        #expect(run.contains("127.0.0.1:\(server.command.port):8000"))
        for flag in [["--gpus", "2"], ["--shm-size", "16g"], ["-e", "HF_TOKEN"], ["--revision", testPins.modelCommit],
                     ["--tensor-parallel-size", "2"], ["--dtype", "bfloat16"], ["--max-model-len", "4096"], ["--seed", "1234"],
                     ["--gpu-memory-utilization", "0.85"], ["--served-model-name", "org/tiny-model"]] {
            #expect(run.indices.contains { run[$0...].starts(with: flag) }, "missing \(flag) in \(run)")
        }
        #expect(run.last == "--enforce-eager")
        // Stopping went through docker by container name.
        let name = run[4]
        #expect(stand.argvLines.contains(["docker", "stop", "--time", "2", name]))
        #expect(stand.argvLines.contains(["docker", "rm", "-f", name]))
        #expect(StandInEnvironment.processes(mentioning: server.command.port).isEmpty)
        #expect(!ServerFixtures.isAlive(server.processID))
        // The token's value is nowhere: not in argv, the server log, or the command shown.
        let argvText = try String(contentsOf: stand.argvFile, encoding: .utf8)
        let logText = try String(contentsOf: server.logURL, encoding: .utf8)
        #expect(!argvText.contains(stand.secret) && !logText.contains(stand.secret) && !server.command.display.contains(stand.secret))
    }

    @Test func localVLLMCommandRecordsVersionAndServedModel() async throws {
        let stand = try StandInEnvironment("local-vllm", extra: ["FAKE_VERSION": "0.9.1"])
        defer { stand.cleanUp() }
        let session = ServerSession(engine: EngineSpec(key: "v", kind: .vllm, precision: "fp16"), options: stand.options())
        let server = try await session.start(model: testModel, pins: testPins, seed: 7)
        session.stop()
        #expect(server.version == "0.9.1")
        #expect(server.identity == EngineIdentity(kind: "vllm", version: "0.9.1", model: "org/tiny-model@\(testPins.modelCommit)"))
        let run = try #require(stand.argvLines.first)
        #expect(run.starts(with: ["vllm", "serve", "org/tiny-model", "--revision", testPins.modelCommit]))
        #expect(run.contains("--dtype") && run.contains("float16") && run.contains("127.0.0.1"))
        #expect(StandInEnvironment.processes(mentioning: server.command.port).isEmpty)
    }

    @Test func localSGLangLauncherGetsSGLangFlags() async throws {
        let stand = try StandInEnvironment("local-sglang")
        defer { stand.cleanUp() }
        let engine = EngineSpec(key: "s", kind: .sglang, tensorParallel: 1, maxModelLength: 2048, gpuMemoryFraction: 0.8)
        let session = ServerSession(engine: engine, options: stand.options())
        let server = try await session.start(model: testModel, pins: testPins, seed: 3)
        session.stop()
        let run = try #require(stand.argvLines.first)
        #expect(run.starts(with: ["python3", "-m", "sglang.launch_server", "--model-path", "org/tiny-model"]))
        for flag in [["--tp", "1"], ["--context-length", "2048"], ["--random-seed", "3"], ["--mem-fraction-static", "0.8"]] {
            #expect(run.indices.contains { run[$0...].starts(with: flag) }, "missing \(flag) in \(run)")
        }
        #expect(server.identity.kind == "sglang")
    }

    @Test func aServerThatCrashesWhileStartingFailsWithItsLogTail() async throws {
        let stand = try StandInEnvironment("crash-start", extra: ["FAKE_CRASH_START": "1"])
        defer { stand.cleanUp() }
        let session = ServerSession(engine: EngineSpec(key: "v", kind: .vllm), options: stand.options())
        await #expect {
            _ = try await session.start(model: testModel, pins: testPins, seed: 1)
        } throws: { error in
            let text = "\(error)"
            return text.contains("exited with status 3") && text.contains("CUDA out of memory") && !text.contains(stand.secret)
        }
    }

    @Test func aServerThatHangsWhileStartingIsKilledAtTheDeadline() async throws {
        let stand = try StandInEnvironment("hang-start", extra: ["FAKE_HANG_START": "1", "FAKE_IGNORE_TERM": "1"])
        defer { stand.cleanUp() }
        let port = try LoopbackPort.free()
        let session = ServerSession(engine: EngineSpec(key: "v", kind: .vllm), options: stand.options(startupTimeout: 1.5, stopGrace: 0.5))
        let started = Date()
        await #expect {
            _ = try await session.start(model: testModel, pins: testPins, seed: 1, port: port)
        } throws: { error in
            "\(error)".contains("did not answer /health within 1.5 s") && "\(error)".contains("starting with")
        }
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(StandInEnvironment.processes(mentioning: port).isEmpty)
    }

    @Test func aSlowStartIsWaitedFor() async throws {
        let stand = try StandInEnvironment("slow-start", extra: ["FAKE_SLOW_START": "1.5"])
        defer { stand.cleanUp() }
        let session = ServerSession(engine: EngineSpec(key: "v", kind: .vllm), options: stand.options(startupTimeout: 20))
        let server = try await session.start(model: testModel, pins: testPins, seed: 1)
        #expect(server.servedModels == ["org/tiny-model"])
        session.stop()
    }

    @Test func aServerIgnoringSIGTERMIsKilledAfterTheGracePeriod() async throws {
        let stand = try StandInEnvironment("ignore-term", extra: ["FAKE_IGNORE_TERM": "1"])
        defer { stand.cleanUp() }
        let log = LogLines()
        let session = ServerSession(engine: EngineSpec(key: "v", kind: .vllm), options: stand.options(stopGrace: 0.5, log: log))
        let server = try await session.start(model: testModel, pins: testPins, seed: 1)
        let started = Date()
        session.stop()
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(!ServerFixtures.isAlive(server.processID))
        #expect(log.lines.contains { $0.contains("ignored SIGTERM") })
    }

    @Test func aServerThatCrashesMidRunIsExplainedAndFinishedRequestsAreKept() async throws {
        let stand = try StandInEnvironment("crash-mid", extra: ["FAKE_CRASH_AFTER": "4"])
        defer { stand.cleanUp() }
        let engine = EngineSpec(key: "v", kind: .vllm, concurrency: 1)
        let session = ServerSession(engine: engine, options: stand.options())
        let server = try await session.start(model: testModel, pins: testPins, seed: 1)
        let bodies = (0..<8).map { JSONValue.object(["model": .string("org/tiny-model"), "prompt": .string("p\($0)"), "max_tokens": .int(4)]) }
        var caught: Error?
        do { _ = try await server.client.post("/v1/completions", bodies: bodies) } catch { caught = session.explain(error) }
        session.stop()
        let error = try #require(caught)
        #expect("\(error)".contains("exited with status 4 during the run"))
        #expect("\(error)".contains("crashing on request 4"))
        #expect(server.client.cache?.count == 3)
        #expect(StandInEnvironment.processes(mentioning: server.command.port).isEmpty)
    }

    /// A started server that lists another model than the one it was asked to serve is refused,
    /// naming both; a `served_name:` is passed as --served-model-name and is what it must list.
    @Test func aStartedServerMustServeTheModelUnderTheNameItWasGiven() async throws {
        let stand = try StandInEnvironment("served-as", extra: ["FAKE_SERVE_AS": "someone/else"])
        defer { stand.cleanUp() }
        let session = ServerSession(engine: EngineSpec(key: "v", kind: .vllm), options: stand.options())
        await #expect {
            _ = try await session.start(model: testModel, pins: testPins, seed: 1)
        } throws: { error in
            "\(error)".contains("someone/else") && "\(error)".contains("org/tiny-model")
        }
        var named = testModel
        named.servedName = "someone/else"
        let server = try await session.start(model: named, pins: testPins, seed: 1)
        session.stop()
        #expect(server.command.servedModel == "someone/else")
        #expect(server.identity.model == "org/tiny-model@\(testPins.modelCommit)")
        #expect(server.maxLength == ContextLength(tokens: 4096, source: "/v1/models max_model_len"))
        let run = try #require(stand.argvLines.last)
        #expect(run.indices.contains { run[$0...].starts(with: ["--served-model-name", "someone/else"]) }, "\(run)")
    }

    /// With the run's own retry budget (60 s), a server whose process has exited is not waited for.
    @Test func requestsToAServerThatHasExitedAreNotRetried() async throws {
        let stand = try StandInEnvironment("crash-no-wait", extra: ["FAKE_CRASH_AFTER": "2"])
        defer { stand.cleanUp() }
        var options = stand.options()
        options.retry = .server
        let session = ServerSession(engine: EngineSpec(key: "v", kind: .vllm, concurrency: 1), options: options)
        let server = try await session.start(model: testModel, pins: testPins, seed: 1)
        let bodies = (0..<4).map { JSONValue.object(["model": .string("org/tiny-model"), "prompt": .string("p\($0)"), "max_tokens": .int(4)]) }
        let started = Date()
        await #expect(throws: (any Error).self) { _ = try await server.client.post("/v1/completions", bodies: bodies) }
        session.stop()
        #expect(Date().timeIntervalSince(started) < 30)
    }

    @Test func hardwareThatContradictsThePinIsRefusedUnlessAllowed() async throws {
        let stand = try StandInEnvironment("hardware", extra: ["FAKE_GPU_COUNT": "1", "FAKE_GPU_NAME": "NVIDIA H200"])
        defer { stand.cleanUp() }
        let engine = EngineSpec(key: "v", kind: .vllm, gpu: "H100", gpuCount: 1)
        await #expect {
            _ = try await ServerSession(engine: engine, options: stand.options()).start(model: testModel, pins: testPins, seed: 1)
        } throws: { error in
            "\(error)".contains("pins 1 x H100") && "\(error)".contains("NVIDIA H200") && "\(error)".contains("--allow-hardware-mismatch")
        }
        #expect(stand.argvLines.isEmpty, "no server may start on mismatched hardware")
        var options = stand.options()
        options.allowHardwareMismatch = true
        let session = ServerSession(engine: engine, options: options)
        let server = try await session.start(model: testModel, pins: testPins, seed: 1)
        session.stop()
        #expect(server.hardware?.gpus.map(\.name) == ["NVIDIA H200"])
        #expect(server.hardware?.runtimeVersion == "13.0")
        let matching = ServerSession(engine: EngineSpec(key: "v", kind: .vllm, gpu: "H200", gpuCount: 1), options: stand.options())
        _ = try await matching.start(model: testModel, pins: testPins, seed: 1)
        matching.stop()
    }

    @Test func startEngineScoresThroughTheServerAndSGLangUsesTheModelsTokenizer() async throws {
        let stand = try StandInEnvironment("engine")
        defer { stand.cleanUp() }
        let requests = [LoglikelihoodRequest(context: "Question: 1+1=", continuation: " 2"),
                        LoglikelihoodRequest(context: "Question: 1+1= ", continuation: "3"),
                        LoglikelihoodRequest(context: "The sky is", continuation: " blue today")]
        let vllm = ServerSession(engine: EngineSpec(key: "v", kind: .vllm, batchSize: 2), options: stand.options())
        let (engine, server) = try await vllm.startEngine(model: testModel, pins: testPins, seed: 1)
        let viaVLLM = try await engine.loglikelihood(requests)
        vllm.stop()
        #expect(engine.identity == server.identity)
        // The fake server's definition: one token per byte, logprob(t, i) = -(1 + (31 t + 7 i) % 97) / 10.
        for (request, result) in zip(requests, viaVLLM) {
            let (context, continuation) = ContinuationEncoding.split(context: request.context, continuation: request.continuation)
            let tokens = Array((context + continuation).utf8).map(Int.init)
            var expected = 0.0
            for position in context.utf8.count..<tokens.count {
                let bucket: Int = (31 * tokens[position] + 7 * position) % 97
                expected -= Double(1 + bucket) / 10
            }
            #expect(abs(result.logprob - expected) < 1e-9)
        }

        let sglang = ServerSession(engine: EngineSpec(key: "s", kind: .sglang, batchSize: 2), options: stand.options())
        await #expect {
            _ = try await sglang.startEngine(model: testModel, pins: testPins, seed: 1)
        } throws: { "\($0)".contains("tokenizer.json") }
        let bytes = OpenAICompletionsEngine.TokenizerSource.local(
            encode: { Array($0.utf8).map(Int.init) }, decode: { String(decoding: $0.map { UInt8(truncatingIfNeeded: $0) }, as: UTF8.self) })
        let (sgEngine, _) = try await sglang.startEngine(model: testModel, pins: testPins, seed: 1, tokenizer: bytes)
        let viaSGLang = try await sgEngine.loglikelihood(requests)
        sglang.stop()
        #expect(viaSGLang == viaVLLM)
    }

    @Test func anInterruptStopsEveryRunningServerAndRemovesItsContainer() async throws {
        let stand = try StandInEnvironment("interrupt", extra: ["FAKE_IGNORE_TERM": "1"])
        defer { stand.cleanUp() }
        let session = ServerSession(engine: EngineSpec(key: "d", kind: .vllm, image: "vllm/vllm-openai:v0.8.5"), options: stand.options())
        let server = try await session.start(model: testModel, pins: testPins, seed: 1)
        // What the Ctrl-C handler runs: the container removal, then TERM/KILL to every process group.
        ServerProcessRegistry.shared.stopAll(grace: 0.5, only: [server.processID])
        let name = try #require(server.command.containerName)
        #expect(stand.argvLines.contains(["docker", "rm", "-f", name]))
        #expect(StandInEnvironment.processes(mentioning: server.command.port).isEmpty)
        session.stop()
    }

    @Test func aServerProcessDroppedWithoutStopTakesItsChildrenWithIt() throws {
        let directory = try ServerFixtures.temporaryDirectory("drop")
        defer { try? FileManager.default.removeItem(at: directory) }
        let pidFile = directory.appendingPathComponent("child.pid")
        var pids: [Int32] = []
        do {
            // A shell in its own group that starts a grandchild, as `docker run` or `vllm serve` do.
            let process = try ServerProcess(executable: "sh", arguments: ["-c", "sleep 60 & echo $! > \(pidFile.path); wait"],
                                            logURL: directory.appendingPathComponent("log"))
            pids.append(process.pid)
            let deadline = Date().addingTimeInterval(10)
            while !FileManager.default.fileExists(atPath: pidFile.path), Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
            Thread.sleep(forTimeInterval: 0.05)
            let text = try String(contentsOf: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            pids.append(try #require(Int32(text)))
            #expect(pids.allSatisfy(ServerFixtures.isAlive))
        }
        Thread.sleep(forTimeInterval: 0.1)
        #expect(!pids.contains(where: ServerFixtures.isAlive))
    }
}
