import Foundation
import Testing
@testable import ArenaRuntime

/// The real `arena-script run` on a stand-in vLLM or docker server, interrupted with SIGINT (sent to
/// its process group, as a terminal's Ctrl-C is) or SIGTERM (to its process, as `kill` does) while
/// requests are flowing.
@Suite(.serialized) struct InterruptTests {
    static let vllm = "vllm(command: \"vllm serve\", concurrency: 2, batch_size: 1)"
    static let docker = "vllm(image: \"\(InterruptedRun.pinnedImage)\", concurrency: 2, batch_size: 1)"

    /// Starts the run and waits until the server has answered `answers` prompts.
    static func startFlowing(_ run: InterruptedRun, answers: Int = 20, output: URL? = nil,
                             start: ((InterruptedRun) throws -> ServerProcess)? = nil) throws -> (ServerProcess, (pid: Int32, marks: [String])) {
        let process = try start?(run) ?? run.start(output: output)
        let server = run.server(within: 60)
        let flowing = InterruptedRun.wait(60) { run.answered.count >= answers || !process.isRunning }
        guard let server, flowing, process.isRunning else {
            process.stop(grace: 0)
            Issue.record("the run did not get going: \(run.log)")
            throw FixtureError("run did not start")
        }
        return (process, server)
    }

    @Test func ctrlCStopsTheServerExits130AndARerunSendsOnlyWhatWasMissing() throws {
        let run = try InterruptedRun("sigint", engine: Self.vllm, grace: 5)
        defer { run.cleanUp() }
        let (process, server) = try Self.startFlowing(run)
        #expect(kill(-process.pid, SIGINT) == 0)
        let status = ResumeAfterKillTests.waitForExit(process, within: 30)
        #expect(status == 130, "\(run.log)")
        let log = run.log
        let answeredAtExit = run.answered.count
        #expect(log.contains("arena-script: interrupted (SIGINT); stopping 1 server: SIGTERM, up to 5.0 s, then SIGKILL"))
        #expect(log.hasSuffix("arena-script: servers stopped; exiting with status 130\n"), "\(log)")
        // What the run would have printed about its requests failing is not shown after the interrupt.
        #expect(!log.contains("error:"), "\(log)")
        run.expectNothingLeft(of: server)

        // Every answer that reached arena-script before the server stopped is in the cache; a re-run
        // sends exactly the rest. Only what was in flight when the server stopped (at most
        // `concurrency: 2` requests of one prompt) was answered but never received, and is sent again.
        let answeredBefore = Set(run.answered.prefix(answeredAtExit))
        #expect(answeredBefore.count == answeredAtExit)
        #expect(answeredBefore.count >= 20 && answeredBefore.count < InterruptedRun.requests)
        let rerun = try run.start()
        #expect(ResumeAfterKillTests.waitForExit(rerun, within: 120) == 0, "\(run.log)")
        #expect(run.log.contains("bundle: "))
        let answeredByRerun = run.answered.dropFirst(answeredAtExit)
        #expect(Set(answeredByRerun).count == answeredByRerun.count)
        #expect(answeredBefore.union(answeredByRerun).count == InterruptedRun.requests)
        let sentTwice = answeredBefore.intersection(answeredByRerun).count
        #expect(sentTwice <= 2, "\(sentTwice) prompts answered before the interrupt were sent again")
    }

    /// A grace period that is not seconds stops the run before any server starts, naming the variable.
    @Test func aBadStopGraceStopsTheRunBeforeAnyServerStarts() throws {
        let run = try InterruptedRun("bad-grace", engine: Self.vllm, grace: 1, extra: ["ARENA_STOP_GRACE": "soon"])
        defer { run.cleanUp() }
        let process = try run.start()
        #expect(ResumeAfterKillTests.waitForExit(process, within: 60) == 2, "\(run.log)")
        #expect(run.log.contains("ARENA_STOP_GRACE='soon' is not a number of seconds >= 0"), "\(run.log)")
        #expect(!run.stand.argvLines.contains { $0.count > 1 && $0[1] == "serve" })
    }

    /// Ctrl-C while lm-evaluation-harness runs the tasks (`harness: "lm-eval"`): lm-eval is stopped
    /// with the server, and nothing of either is left.
    @Test func ctrlCDuringAnLMEvalRunStopsLMEvalAndTheServer() throws {
        let python = try ServerFixtures.python()
        let run = try InterruptedRun("sigint-lm-eval", engine: "vllm(command: \"vllm serve\", concurrency: 2, batch_size: 1, harness: \"lm-eval\")",
                                     grace: 5, extra: ["ARENA_LM_EVAL_PYTHON": python])
        defer { run.cleanUp() }
        let (process, server) = try Self.startFlowing(run)
        let lmEval = InterruptedRun.processes(containing: "lm_eval")
        #expect(!lmEval.isEmpty, "no lm-eval process while requests flow: \(run.log)")
        #expect(kill(-process.pid, SIGINT) == 0)
        let status = ResumeAfterKillTests.waitForExit(process, within: 30)
        #expect(status == 130, "\(run.log)")
        #expect(run.log.hasSuffix("arena-script: servers stopped; exiting with status 130\n"), "\(run.log)")
        run.expectNothingLeft(of: server)
        for pid in lmEval {
            #expect(!ServerFixtures.isAlive(pid), "lm-eval \(pid) still runs")
            _ = kill(pid, SIGKILL)
        }
    }

    /// `for e in ...; do arena-script run $e; done` and Ctrl-C: arena-script ends by SIGINT itself
    /// (after stopping its server), so bash knows the command was interrupted and ends the loop
    /// instead of starting the next run.
    @Test func ctrlCEndsAShellLoopRunningArenaScript() throws {
        let run = try InterruptedRun("loop", engine: Self.vllm, grace: 5)
        defer { run.cleanUp() }
        let binary = try ResumeAfterKillTests.arenaScript()
        let (shell, server) = try Self.startFlowing(run) { run in
            try ServerProcess(executable: "/bin/bash", arguments: [
                "-c", "cd \"$0\" && for i in 1 2; do \"$1\" run --offline --no-git experiments/run.arena; echo \"run $i: $?\" >> after.txt; done",
                run.directory.path, binary,
            ], environment: run.stand.environment, logURL: run.logFile)
        }
        #expect(kill(-shell.pid, SIGINT) == 0)
        #expect(ResumeAfterKillTests.waitForExit(shell, within: 30) == 130, "\(run.log)")
        let after = (try? String(contentsOf: run.directory.appendingPathComponent("after.txt"), encoding: .utf8)) ?? ""
        #expect(after.isEmpty, "the loop went on: \(after)")
        #expect(run.log.contains("arena-script: servers stopped; exiting with status 130"))
        run.expectNothingLeft(of: server)
    }

    @Test func sigtermStopsAContainerWithDockerStopAndRemovesIt() throws {
        let run = try InterruptedRun("sigterm-docker", engine: Self.docker, grace: 1)
        defer { run.cleanUp() }
        let (process, server) = try Self.startFlowing(run)
        #expect(kill(process.pid, SIGTERM) == 0)
        let status = ResumeAfterKillTests.waitForExit(process, within: 30)
        #expect(status == 143, "\(run.log)")
        #expect(run.log.contains("arena-script: interrupted (SIGTERM); stopping 1 server"))
        #expect(run.log.hasSuffix("arena-script: servers stopped; exiting with status 143\n"), "\(run.log)")
        let name = server.marks[0]
        let lines = run.stand.argvLines
        let stop = lines.firstIndex(of: ["docker", "stop", "--time", "1", name])
        let remove = lines.firstIndex(of: ["docker", "rm", "-f", name])
        #expect(stop != nil && remove != nil, "\(lines.filter { $0.count < 6 })")
        if let stop, let remove { #expect(stop < remove) }
        // The stand-in's container is gone: no pid file, nothing `docker ps` lists.
        #expect(!FileManager.default.fileExists(atPath: run.directory.appendingPathComponent("docker-state/\(name).pid").path))
        run.expectNothingLeft(of: server)
        #expect(run.cachedRecords > 0)
    }

    /// `arena-script run x.arena | tee run.log` and Ctrl-C: tee ends at once, so what arena-script
    /// writes next goes to a pipe nobody reads. That must not end it before its servers are stopped.
    @Test func ctrlCThatAlsoEndsTheReaderOfItsOutputStillStopsTheServer() throws {
        let run = try InterruptedRun("tee", engine: Self.vllm, grace: 5)
        defer { run.cleanUp() }
        let pipe = try OutputPipe(in: run.directory)
        let (process, server) = try Self.startFlowing(run, output: pipe.url)
        #expect(pipe.text.contains("starting vllm server"))
        pipe.closeReader()
        #expect(kill(-process.pid, SIGINT) == 0)
        #expect(ResumeAfterKillTests.waitForExit(process, within: 30) == 130)
        run.expectNothingLeft(of: server)
    }

    /// The terminal closing (SIGHUP to its foreground process group) stops the servers too.
    @Test func hangupStopsTheServerAndExits129() throws {
        let run = try InterruptedRun("sighup", engine: Self.vllm, grace: 5)
        defer { run.cleanUp() }
        let (process, server) = try Self.startFlowing(run)
        #expect(kill(-process.pid, SIGHUP) == 0)
        #expect(ResumeAfterKillTests.waitForExit(process, within: 30) == 129, "\(run.log)")
        #expect(run.log.contains("arena-script: interrupted (SIGHUP); stopping 1 server"))
        #expect(run.log.hasSuffix("arena-script: servers stopped; exiting with status 129\n"), "\(run.log)")
        run.expectNothingLeft(of: server)
    }

    /// Under `nohup` (SIGHUP ignored when arena-script starts) the terminal closing stops nothing;
    /// Ctrl-C still does.
    @Test func hangupIsIgnoredUnderNohup() throws {
        let run = try InterruptedRun("nohup", engine: Self.vllm, grace: 5)
        defer { run.cleanUp() }
        let binary = try ResumeAfterKillTests.arenaScript()
        let (process, server) = try Self.startFlowing(run) { run in
            try ServerProcess(executable: "/bin/sh", arguments: [
                "-c", "cd \"$0\" && trap '' HUP && exec \"$1\" run --offline --no-git experiments/run.arena", run.directory.path, binary,
            ], environment: run.stand.environment, logURL: run.logFile)
        }
        let answeredBefore = run.answered.count
        #expect(kill(-process.pid, SIGHUP) == 0)
        #expect(InterruptedRun.wait(10) { run.answered.count >= answeredBefore + 20 }, "requests stopped after SIGHUP: \(run.log)")
        #expect(process.isRunning && ServerFixtures.isAlive(server.pid))
        #expect(!run.log.contains("interrupted"))
        #expect(kill(-process.pid, SIGINT) == 0)
        #expect(ResumeAfterKillTests.waitForExit(process, within: 30) == 130, "\(run.log)")
        run.expectNothingLeft(of: server)
    }

    @Test func aServerIgnoringSIGTERMIsKilledWhenTheGracePeriodEnds() throws {
        let run = try InterruptedRun("ignore-term", engine: Self.vllm, grace: 1.5, extra: ["FAKE_IGNORE_TERM": "1"])
        defer { run.cleanUp() }
        let (process, server) = try Self.startFlowing(run)
        let signalled = Date()
        #expect(kill(-process.pid, SIGINT) == 0)
        let status = ResumeAfterKillTests.waitForExit(process, within: 30)
        let took = Date().timeIntervalSince(signalled)
        #expect(status == 130, "\(run.log)")
        // It waited out the grace period, then did not linger.
        #expect(took >= 1.5 && took < 10, "took \(took) s")
        #expect(run.log.contains("arena-script: server process group \(server.pid) still ran 1.5 s after SIGTERM and was killed"), "\(run.log)")
        run.expectNothingLeft(of: server)
    }

    /// A second Ctrl-C while the servers are being stopped stops the waiting: everything is killed
    /// at once (the grace period here is a minute), and nothing is left behind either.
    @Test(arguments: [vllm, docker])
    func aSecondCtrlCKillsEverythingAtOnce(engine: String) throws {
        let run = try InterruptedRun("second-sigint", engine: engine, grace: 60, extra: ["FAKE_IGNORE_TERM": "1"])
        defer { run.cleanUp() }
        let (process, server) = try Self.startFlowing(run)
        let signalled = Date()
        #expect(kill(-process.pid, SIGINT) == 0)
        #expect(InterruptedRun.wait(10) { run.log.contains("arena-script: interrupted (SIGINT)") })
        Thread.sleep(forTimeInterval: 0.3)
        #expect(process.isRunning, "the first Ctrl-C alone must wait for the grace period: \(run.log)")
        #expect(kill(-process.pid, SIGINT) == 0)
        let status = ResumeAfterKillTests.waitForExit(process, within: 30)
        #expect(status == 130, "\(run.log)")
        #expect(Date().timeIntervalSince(signalled) < 15)
        #expect(run.log.contains("arena-script: interrupted again; killing the servers now"))
        #expect(run.log.hasSuffix("arena-script: servers stopped; exiting with status 130\n"), "\(run.log)")
        if engine == Self.docker {
            #expect(run.stand.argvLines.contains(["docker", "rm", "-f", server.marks[0]]))
        }
        run.expectNothingLeft(of: server)
    }

    /// The server ignores SIGTERM and keeps answering during the grace period, so the run finishes
    /// and returns from main meanwhile: the process must not exit (with the run's status 0) before
    /// its servers are stopped.
    @Test func theRunEndingDuringTheGracePeriodDoesNotExitBeforeTheServersAreStopped() throws {
        let run = try InterruptedRun("exit-held", engine: Self.vllm, grace: 60, extra: ["FAKE_IGNORE_TERM": "1"])
        defer { run.cleanUp() }
        let (process, server) = try Self.startFlowing(run)
        #expect(kill(-process.pid, SIGINT) == 0)
        #expect(InterruptedRun.wait(60) { Set(run.answered).count == InterruptedRun.requests }, "\(run.log)")
        // The run has all its answers; it writes its bundle and returns within moments.
        Thread.sleep(forTimeInterval: 1.5)
        #expect(process.isRunning, "exited with \(process.exitCode.map(String.init) ?? "?") while its server still ran: \(run.log)")
        #expect(ServerFixtures.isAlive(server.pid))
        #expect(kill(-process.pid, SIGINT) == 0)
        #expect(ResumeAfterKillTests.waitForExit(process, within: 30) == 130, "\(run.log)")
        #expect(run.log.hasSuffix("arena-script: servers stopped; exiting with status 130\n"), "\(run.log)")
        run.expectNothingLeft(of: server)
    }

    /// arena-script itself killed (SIGKILL: no handler runs): its guardian process stops the server,
    /// with `docker stop` and `docker rm -f` for a container.
    @Test(arguments: [vllm, docker])
    func aServerOutlivesNoArenaScriptKilledWithSIGKILL(engine: String) throws {
        let run = try InterruptedRun("sigkill", engine: engine, grace: 1)
        defer { run.cleanUp() }
        let (process, server) = try Self.startFlowing(run)
        #expect(kill(process.pid, SIGKILL) == 0)
        #expect(ResumeAfterKillTests.waitForExit(process, within: 10) == 128 + SIGKILL)
        let stopped = InterruptedRun.wait(15) {
            InterruptedRun.members(ofGroup: server.pid).isEmpty && server.marks.allSatisfy { InterruptedRun.processes(containing: $0).isEmpty }
        }
        #expect(stopped, "the server of a killed arena-script still runs")
        if engine == Self.docker {
            let name = server.marks[0]
            #expect(InterruptedRun.wait(10) { run.stand.argvLines.contains(["docker", "rm", "-f", name]) })
            #expect(run.stand.argvLines.contains(["docker", "stop", "--time", "1", name]))
        }
        run.expectNothingLeft(of: server)
    }

    @Test func ctrlCWhileTheServerIsStartingStopsIt() throws {
        let run = try InterruptedRun("starting", engine: Self.vllm, grace: 5, extra: ["FAKE_SLOW_START": "30"])
        defer { run.cleanUp() }
        let process = try run.start()
        let server = try #require(run.server(within: 60), "\(run.log)")
        #expect(InterruptedRun.wait(10) { run.log.contains("starting vllm server") })
        #expect(kill(-process.pid, SIGINT) == 0)
        #expect(ResumeAfterKillTests.waitForExit(process, within: 30) == 130, "\(run.log)")
        #expect(run.answered.isEmpty)
        #expect(run.log.contains("arena-script: interrupted (SIGINT); stopping 1 server"), "\(run.log)")
        run.expectNothingLeft(of: server)
    }
}
