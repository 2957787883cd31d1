import Foundation
import Testing
@testable import ArenaRuntime

/// `arena-script run` with a `vllm(image:)` engine through the docker stand-in, which serves the
/// mounted tiny model with `arena-script serve`: the container is started by digest with the model
/// folder mounted, stopped and removed, the token never written, and the results are the native
/// engine's.
@Suite(.serialized) struct DockerRunTests {
    static let image = "vllm/vllm-openai:v0.8.5@sha256:" + String(repeating: "cd", count: 32)

    @Test func aContainerServesTheMountedModelAndIsRemovedAfterTheRun() async throws {
        let binary = try ResumeAfterKillTests.arenaScript()
        var stand = try StandInEnvironment("docker-run")
        defer { stand.cleanUp() }
        stand.environment["ARENA_CACHE_DIR"] = stand.directory.appendingPathComponent("cache").path
        stand.environment["HF_HOME"] = stand.directory.appendingPathComponent("hf").path
        stand.environment["ARENA_STOP_GRACE"] = "5"
        let body = """
            let tiny = model("../models/tiny-llama")
            let science = dataset(test: "data/science_qa_test.jsonl", train: "data/science_qa_train.jsonl")
            evaluate(tiny, on: [arc_easy(dataset: science, fewshot: 1)], with: engine)
            """
        let root = try EndpointRunTests.makeRepository(experiment: "experiment \"docker\"\nlet engine = vllm(image: \"\(Self.image)\")\n" + body)
        defer { try? FileManager.default.removeItem(at: root) }
        let log = stand.directory.appendingPathComponent("run.log")
        let run = try ServerProcess(executable: "/bin/sh", arguments: [
            "-c", "cd \"$0\" && exec \"$1\" run --offline --no-git experiments/run.arena", root.path, binary,
        ], environment: stand.environment, logURL: log)
        let finished = InterruptedRun.wait(120) { run.exitCode != nil }
        if !finished { run.stop(grace: 0) }
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(run.exitCode == 0, "\(output)")

        // docker run by digest with the model folder mounted, then docker stop and docker rm -f.
        let calls = stand.argvLines.filter { $0.first == "docker" }
        let dockerRun = try #require(calls.first { $0.count > 1 && $0[1] == "run" })
        let modelFolder = root.appendingPathComponent("models/tiny-llama").standardizedFileURL.path
        #expect(dockerRun.contains("\(modelFolder):/model:ro"), "\(dockerRun)")
        // The lockfile's immutable reference: the tag dropped, the digest kept.
        #expect(dockerRun.contains("docker.io/vllm/vllm-openai@sha256:" + String(repeating: "cd", count: 32)), "\(dockerRun)")
        let name = try #require(dockerRun.firstIndex(of: "--name").map { dockerRun[$0 + 1] })
        #expect(calls.contains { $0.count > 1 && $0[1] == "stop" && $0.last == name })
        #expect(calls.contains { $0.count > 2 && $0[1] == "rm" && $0[2] == "-f" && $0.last == name })
        let pidFile = stand.directory.appendingPathComponent("docker-state/\(name).pid")
        if let pid = (try? String(contentsOf: pidFile, encoding: .utf8)).flatMap({ Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) {
            #expect(!ServerFixtures.isAlive(pid), "the container's server \(pid) is still running")
        }

        // The results are the native engine's, and the token is nowhere in what was written.
        let bundleDirectory = try #require(output.split(separator: "\n").last { $0.hasPrefix("bundle: ") }.map { String($0.dropFirst(8)) })
        let served = try BundleReader.read(URL(fileURLWithPath: bundleDirectory))
        let nativeRoot = try EndpointRunTests.makeRepository(experiment: "experiment \"native\"\nlet engine = native(threads: 1)\n" + body)
        defer { try? FileManager.default.removeItem(at: nativeRoot) }
        var lock = try LockService.fromEnvironment([:])
        lock.currentDirectory = nativeRoot
        let native = try BundleReader.read(try await ExperimentRunner(lockService: lock, engines: StandardEngineProvider(cacheRoot: nil),
                                                                      datasets: .fromEnvironment(offline: true), log: { _ in })
            .run(path: "experiments/run.arena", options: .init(noGit: true)).bundle)
        #expect(served.models.first?.engine.kind == "vllm")
        #expect(served.tasks.first?.perDocument("acc,none") == native.tasks.first?.perDocument("acc,none"))
        #expect(served.tasks.first?.samples.map { $0["arguments"] } == native.tasks.first?.samples.map { $0["arguments"] })
        for file in FileManager.default.enumerator(atPath: root.path)?.compactMap({ $0 as? String }) ?? [] {
            let data = FileManager.default.contents(atPath: root.appendingPathComponent(file).path) ?? Data()
            #expect(!String(decoding: data, as: UTF8.self).contains(stand.secret), "\(file) holds the token")
        }
    }
}
