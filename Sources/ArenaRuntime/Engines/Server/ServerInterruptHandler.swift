import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How long a server gets between SIGTERM (or `docker stop`) and SIGKILL.
public enum ServerStopGrace {
    public static let environmentVariable = "ARENA_STOP_GRACE"
    public static let defaultSeconds: Double = 30

    /// `ARENA_STOP_GRACE` (seconds, a number >= 0), or 30 s when it is not set.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Double {
        guard let text = environment[environmentVariable]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
            return defaultSeconds
        }
        guard let seconds = Double(text), seconds.isFinite, seconds >= 0 else { throw ServerStopGraceError(value: text) }
        return seconds
    }
}

public struct ServerStopGraceError: Error, CustomStringConvertible, Equatable {
    public let value: String
    public var description: String {
        "\(ServerStopGrace.environmentVariable)='\(value)' is not a number of seconds >= 0"
    }
}

/// The signal number the handler saw first (0: none). Written only by the signal handler.
nonisolated(unsafe) private var firstInterruptSignal: Int32 = 0
/// The write end of the pipe that wakes the interrupt thread.
nonisolated(unsafe) private var interruptPipeWriteEnd: Int32 = -1

/// The signal handler proper: async-signal-safe, it only records the signal and writes one byte.
private func recordInterrupt(_ signalNumber: Int32) {
    let savedErrno = errno
    if firstInterruptSignal == 0 { firstInterruptSignal = signalNumber }
    var byte = UInt8(truncatingIfNeeded: signalNumber)
    _ = write(interruptPipeWriteEnd, &byte, 1)
    errno = savedErrno
}

/// Ctrl-C, SIGTERM and SIGHUP handling for commands that start servers: stop every server, then exit.
///
/// On the first SIGINT, SIGTERM or SIGHUP (the terminal closed) no further server starts;
/// containers get `docker stop --time <grace>` and other servers SIGTERM to their process group, at
/// once; whatever still runs after the grace period is SIGKILLed; containers are removed (`docker
/// rm -f`); once no process of any server's group is left, the process ends by the same signal
/// (status 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP). A second signal while that runs stops the waiting: everything is
/// killed at once. Anything the rest of the program prints after the signal (errors from requests
/// to the servers being stopped) is discarded; an `exit` elsewhere waits until the servers are stopped.
///
/// The signal handler only writes a byte to a pipe; a thread of its own reads it, so a busy or
/// blocked thread pool never delays the shutdown.
public enum ServerInterruptHandler {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var installed = false

    /// Installs the handlers (SIGINT, SIGTERM, SIGHUP; not for one that is ignored, as `nohup`
    /// ignores SIGHUP) once. `grace`: seconds between SIGTERM and SIGKILL; nil reads `ARENA_STOP_GRACE` (default 30 s; a value that is not a number is reported
    /// and the default used).
    public static func install(grace: Double? = nil) {
        lock.withLock {
            guard !installed else { return }
            let seconds: Double
            do {
                seconds = try grace ?? ServerStopGrace.fromEnvironment()
            } catch {
                FileHandle.standardError.write(Data("arena-script: warning: \(error); using \(PythonFloat.repr(ServerStopGrace.defaultSeconds)) s\n".utf8))
                seconds = ServerStopGrace.defaultSeconds
            }
            var ends: [Int32] = [-1, -1]
            guard pipe(&ends) == 0 else {
                FileHandle.standardError.write(Data("arena-script: warning: cannot handle Ctrl-C: pipe: \(String(cString: strerror(errno)))\n".utf8))
                return
            }
            for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
            _ = fcntl(ends[1], F_SETFL, O_NONBLOCK)
            interruptPipeWriteEnd = ends[1]
            let readEnd = ends[0]
            let reader = Thread { readInterrupts(from: readEnd, grace: seconds) }
            reader.name = "arena-interrupts"
            reader.start()
            atexit { ServerInterruptHandler.holdExitWhileStopping() }
            var action = sigaction()
            action.__sigaction_handler.sa_handler = recordInterrupt
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            var unblock = sigset_t()
            sigemptyset(&unblock)
            let ignored = unsafeBitCast(SIG_IGN, to: Int.self)
            for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
                // A signal ignored when arena-script started stays ignored (`nohup` ignores SIGHUP,
                // a shell script's background job SIGINT): the user asked not to be stopped by it.
                var current = sigaction()
                guard sigaction(signalNumber, nil, &current) == 0,
                      unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self) != ignored else { continue }
                _ = sigaction(signalNumber, &action, nil)
                sigaddset(&unblock, signalNumber)
            }
            pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
            installed = true
        }
    }

    /// True once a signal has started stopping the servers: work still running elsewhere (a client
    /// about to send more requests) can stop early instead of meeting servers that are going away.
    public static var isInterrupted: Bool { ServerProcessRegistry.shared.isShuttingDown }

    /// The interrupt thread: the first signal starts the shutdown, each later one makes it hurry.
    private static func readInterrupts(from fd: Int32, grace: Double) {
        var started = false
        while true {
            var byte: UInt8 = 0
            let count = read(fd, &byte, 1)
            if count < 0, errno == EINTR { continue }
            guard count == 1 else { return }
            if !started {
                started = true
                let signalNumber = Int32(byte)
                let running = ServerProcessRegistry.shared.beginShutdown()
                InterruptConsole.takeOver()
                // Ctrl-C also ends a `| tee` reading our output: writing to it must not kill us
                // (SIGPIPE) before the servers are stopped. From now on only the interrupt threads
                // write to the original stderr, and they look at what write returns.
                signal(SIGPIPE, SIG_IGN)
                let worker = Thread { shutDown(signal: signalNumber, running: running, grace: grace) }
                worker.name = "arena-shutdown"
                worker.start()
            } else {
                ServerProcessRegistry.shared.hurry()
                InterruptConsole.say("arena-script: interrupted again; killing the servers now")
            }
        }
    }

    /// Stops every server (`running` of them when the signal came) and ends the process by the signal
    /// (status 128 + signal). Never returns.
    private static func shutDown(signal signalNumber: Int32, running: Int, grace: Double) {
        let registry = ServerProcessRegistry.shared
        let name = [SIGINT: "SIGINT", SIGTERM: "SIGTERM", SIGHUP: "SIGHUP"][signalNumber] ?? "signal \(signalNumber)"
        let servers = running == 1 ? "1 server" : "\(running) servers"
        InterruptConsole.say("arena-script: interrupted (\(name)); stopping \(servers): SIGTERM, up to \(PythonFloat.repr(grace)) s, "
            + "then SIGKILL (Ctrl-C again to kill them now)")
        let outcome = registry.stopAll(grace: grace)
        for pid in outcome.killedAfterGrace {
            InterruptConsole.say(registry.isHurried
                ? "arena-script: server process group \(pid) killed"
                : "arena-script: server process group \(pid) still ran \(PythonFloat.repr(grace)) s after SIGTERM and was killed")
        }
        for pid in outcome.leftBehind {
            InterruptConsole.say("arena-script: warning: server process group \(pid) still has processes after SIGKILL")
        }
        killChildren()
        InterruptConsole.say("arena-script: servers stopped; exiting with status \(128 + signalNumber)")
        endBy(signal: signalNumber)
    }

    /// Ends the process by the signal itself, with its default action, as a program without a
    /// handler would have ended: the shell shows status 128 + signal, and a shell loop running
    /// arena-script sees it was interrupted and stops too. `_exit(128 + signal)` if that fails.
    private static func endBy(signal signalNumber: Int32) -> Never {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = SIG_DFL
        sigemptyset(&action.sa_mask)
        _ = sigaction(signalNumber, &action, nil)
        var only = sigset_t()
        sigemptyset(&only)
        sigaddset(&only, signalNumber)
        pthread_sigmask(SIG_UNBLOCK, &only, nil)
        _ = kill(getpid(), signalNumber)
        Thread.sleep(forTimeInterval: 1)
        _exit(128 + signalNumber)
    }

    /// Every child process this one still has (tools started elsewhere, `docker stop` of a session
    /// stopping at the same time) is killed and reaped, so nothing outlives the exit.
    private static func killChildren() {
        let me = getpid()
        let deadline = Date().addingTimeInterval(3)
        while Date() < deadline {
            let children = ProcessTable.live().filter { $0.parent == me }
            var status: Int32 = 0
            while waitpid(-1, &status, WNOHANG) > 0 {}
            if children.isEmpty { return }
            for child in children {
                if child.group == child.pid { _ = kill(-child.pid, SIGKILL) }
                _ = kill(child.pid, SIGKILL)
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }

    /// Registered with atexit: once a signal has arrived, an exit elsewhere (the run failing because
    /// its server was stopped) waits; the shutdown thread ends the process.
    private static func holdExitWhileStopping() {
        guard firstInterruptSignal != 0 || ServerProcessRegistry.shared.isShuttingDown else { return }
        while true { sleep(60) }
    }
}

/// Standard error during a shutdown: the handler's messages go to the original stderr; whatever
/// else the program writes to stdout or stderr from then on is discarded.
private enum InterruptConsole {
    nonisolated(unsafe) private static var output: Int32 = 2
    private static let lock = NSLock()

    static func takeOver() {
        lock.withLock {
            let saved = fcntl(2, F_DUPFD_CLOEXEC, 3)
            let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
            guard saved >= 0, null >= 0 else { return }
            output = saved
            // On a terminal, start below a progress line being redrawn in place (and the ^C echo).
            if isatty(saved) == 1 { _ = write(saved, "\n", 1) }
            _ = dup2(null, 1)
            _ = dup2(null, 2)
            close(null)
        }
    }

    static func say(_ message: String) {
        lock.withLock {
            let bytes = Array((message + "\n").utf8)
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBufferPointer { write(output, $0.baseAddress, $0.count) }
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }
}
