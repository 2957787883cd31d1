import Foundation
import Testing
@testable import ArenaRuntime

/// The registry and settings the interrupt handler works with, in-process.
@Suite struct InterruptRegistryTests {
    @Test func noServerStartsOnceAShutdownHasBegunAndRunningOnesAreStopped() throws {
        let directory = try ServerFixtures.temporaryDirectory("registry")
        defer { try? FileManager.default.removeItem(at: directory) }
        let registry = ServerProcessRegistry()
        let running = try ServerProcess(executable: "sh", arguments: ["-c", "sleep 60 & wait"],
                                        logURL: directory.appendingPathComponent("a.log"), registry: registry)
        #expect(registry.beginShutdown() == 1)
        #expect {
            _ = try ServerProcess(executable: "sh", arguments: ["-c", "sleep 60"], logURL: directory.appendingPathComponent("b.log"),
                                  registry: registry)
        } throws: { "\($0)" == "not starting sh: arena-script was interrupted and is stopping its servers" }
        // sh waits for its child; SIGTERM ends it within the grace period, and its sleep is killed with the group.
        let outcome = registry.stopAll(grace: 5)
        #expect(outcome == .init(stopped: 1, killedAfterGrace: [], leftBehind: []))
        #expect(!running.isRunning)
        #expect(InterruptedRun.members(ofGroup: running.pid).isEmpty)
        #expect(registry.runningCount == 0)
    }

    @Test func hurryingKillsAGroupThatIgnoresSIGTERMWithoutWaiting() throws {
        let directory = try ServerFixtures.temporaryDirectory("hurry")
        defer { try? FileManager.default.removeItem(at: directory) }
        let registry = ServerProcessRegistry()
        let stubborn = try ServerProcess(executable: "sh", arguments: ["-c", "trap '' TERM; sleep 60 & wait; sleep 60"],
                                         logURL: directory.appendingPathComponent("log"), registry: registry)
        Thread.sleep(forTimeInterval: 0.2)
        registry.hurry()
        let started = Date()
        let outcome = registry.stopAll(grace: 60)
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(outcome.killedAfterGrace == [stubborn.pid])
        #expect(stubborn.exitCode == 128 + SIGKILL)
        #expect(InterruptedRun.members(ofGroup: stubborn.pid).isEmpty)
    }

    /// A server's worker that left its process group (`setsid`, as some launchers do) is stopped
    /// with it: by `ServerProcess.stop` (a session's own stop) and by the interrupt's `stopAll`.
    @Test(arguments: [false, true])
    func aDescendantThatLeftTheServersGroupIsStoppedWithIt(throughInterrupt: Bool) throws {
        let directory = try ServerFixtures.temporaryDirectory("setsid")
        defer { try? FileManager.default.removeItem(at: directory) }
        let pidFile = directory.appendingPathComponent("stray.pid")
        let registry = ServerProcessRegistry()
        let server = try ServerProcess(executable: "sh", arguments: ["-c", "setsid sh -c 'echo $$ > \"$0\"; exec sleep 60' \"$0\" & wait", pidFile.path],
                                       logURL: directory.appendingPathComponent("log"), registry: registry)
        #expect(InterruptedRun.wait(10) { ((try? String(contentsOf: pidFile, encoding: .utf8)) ?? "").hasSuffix("\n") })
        let text = try String(contentsOf: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let stray = try #require(Int32(text))
        #expect(ServerFixtures.isAlive(stray))
        #expect(!InterruptedRun.members(ofGroup: server.pid).contains(stray), "the worker is still in the server's group")
        if throughInterrupt {
            #expect(registry.stopAll(grace: 5).leftBehind.isEmpty)
        } else {
            server.stop(grace: 5)
        }
        #expect(InterruptedRun.wait(5) { !ServerFixtures.isAlive(stray) }, "the worker \(stray) still runs")
        #expect(!server.isRunning)
        _ = kill(stray, SIGKILL)
    }

    /// A server gets stdin, stdout and stderr only: no descriptor of ours (a request cache file, a
    /// pipe someone waits on) stays open because a server holds it.
    @Test func aServerInheritsNoOtherOpenFile() throws {
        let directory = try ServerFixtures.temporaryDirectory("fds")
        defer { try? FileManager.default.removeItem(at: directory) }
        let held = open(directory.appendingPathComponent("held").path, O_WRONLY | O_CREAT, 0o600)
        defer { close(held) }
        #expect(held > 2)
        let log = directory.appendingPathComponent("log")
        let process = try ServerProcess(executable: "sh", arguments: ["-c", "ls /proc/$$/fd; true"], logURL: log)
        #expect(InterruptedRun.wait(10) { !process.isRunning })
        #expect(process.exitCode == 0)
        let listed = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").sorted()
        #expect(listed == ["0", "1", "2"])
    }

    @Test(arguments: [
        ([:], 30.0), (["ARENA_STOP_GRACE": "2.5"], 2.5), (["ARENA_STOP_GRACE": "0"], 0), (["ARENA_STOP_GRACE": " 7 "], 7),
    ] as [([String: String], Double)])
    func stopGraceComesFromTheEnvironment(environment: [String: String], seconds: Double) throws {
        #expect(try ServerStopGrace.fromEnvironment(environment) == seconds)
    }

    @Test(arguments: ["abc", "-1", "inf", "nan"])
    func aStopGraceThatIsNotSecondsIsRefusedByName(value: String) {
        #expect(throws: ServerStopGraceError(value: value)) { try ServerStopGrace.fromEnvironment(["ARENA_STOP_GRACE": value]) }
        #expect("\(ServerStopGraceError(value: value))" == "ARENA_STOP_GRACE='\(value)' is not a number of seconds >= 0")
    }

    @Test(arguments: [
        ("docker", ["run", "--rm", "--name", "arena-x-1-2", "-p", "127.0.0.1:2:8000", "img@sha256:00"], "arena-x-1-2"),
        ("/usr/bin/docker", ["run", "--name=box", "img"], "box"),
        ("docker", ["ps", "--name", "x"], nil),
        ("vllm", ["serve", "--name", "x"], nil),
    ] as [(String, [String], String?)])
    func theContainerOfADockerRunIsKnownByName(executable: String, arguments: [String], name: String?) {
        #expect(ServerProcess.containerName(executable: executable, arguments: arguments) == name)
    }
}
