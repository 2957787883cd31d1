import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Every server process still running, so an interrupt can stop them all. The shared registry
/// also tells a `ServerGuardian` about them, which stops them if this process dies without doing so.
final class ServerProcessRegistry: @unchecked Sendable {
    static let shared = ServerProcessRegistry(guarded: true)

    /// A running server: its process group (led by `pid`) and, for `docker run`, the container.
    struct Entry: Sendable {
        var pid: pid_t
        var containerName: String?
        var environment: [String: String]
    }

    /// What `stopAll` did.
    struct StopOutcome: Sendable, Equatable {
        /// Servers it stopped (process groups and containers).
        var stopped: Int
        /// Process groups still running when the grace period ended (or when told to hurry), then killed.
        var killedAfterGrace: [pid_t]
        /// Groups with a process left even after SIGKILL and the final wait, and descendants that had
        /// left their group and are still alive (none expected).
        var leftBehind: [pid_t]
    }

    private final class WeakProcess: @unchecked Sendable {
        weak var process: ServerProcess?
    }

    private let lock = NSLock()
    private var entries: [pid_t: Entry] = [:]
    private var handles: [pid_t: WeakProcess] = [:]
    private var shuttingDown = false
    private var hurried = false
    /// Whether a `ServerGuardian` watches this registry's servers (started with the first one).
    private let guarded: Bool
    private var guardian: ServerGuardian?

    init(guarded: Bool = false) {
        self.guarded = guarded
    }

    /// Runs `spawn` (which starts a process and describes it) under the lock, unless a shutdown has
    /// begun: then nothing starts and the result is nil. Otherwise the spawn status.
    func spawn(_ spawn: () -> (Int32, Entry?)) -> Int32? {
        lock.withLock {
            guard !shuttingDown else { return nil }
            let (status, entry) = spawn()
            if let entry {
                entries[entry.pid] = entry
                if guarded, guardian == nil {
                    guardian = ServerGuardian(environment: entry.environment,
                                              grace: (try? ServerStopGrace.fromEnvironment(entry.environment)) ?? ServerStopGrace.defaultSeconds)
                }
                guardian?.track(group: entry.pid, container: entry.containerName)
            }
            return status
        }
    }

    /// Lets `stopAll` reap the process through its handle (so its exit status is kept).
    func attach(_ process: ServerProcess) {
        let box = WeakProcess()
        box.process = process
        lock.withLock { handles[process.pid] = box }
    }

    func remove(_ pid: pid_t) {
        lock.withLock {
            if let entry = entries.removeValue(forKey: pid) {
                guardian?.forget(group: pid, container: entry.containerName)
            }
            handles.removeValue(forKey: pid)
        }
    }

    var runningCount: Int { lock.withLock { entries.count } }

    /// From now on no process starts (`ServerProcessError.interrupted`). Returns the servers running.
    @discardableResult
    func beginShutdown() -> Int {
        lock.withLock {
            shuttingDown = true
            return entries.count
        }
    }

    var isShuttingDown: Bool { lock.withLock { shuttingDown } }

    /// Stop waiting: whatever `stopAll` is waiting for is killed at once.
    func hurry() { lock.withLock { hurried = true } }

    var isHurried: Bool { lock.withLock { hurried } }

    /// Stops every running server (`only`: just these process groups, for tests running beside
    /// other tests). Containers get `docker stop --time <grace>`
    /// while other servers get SIGTERM to their process group, all at once; a group still running
    /// after `grace` seconds is SIGKILLed. Then `docker rm -f` for each container, SIGKILL to every group, and a wait until no process of any group is left. A server's
    /// descendants that left its group (`setsid`) get the same signals as the group.
    /// After `hurry()` nothing is waited for: the groups are killed and containers removed at once.
    @discardableResult
    func stopAll(grace: Double, only: Set<pid_t>? = nil) -> StopOutcome {
        let selected = lock.withLock { entries.values.filter { only?.contains($0.pid) ?? true }.sorted { $0.pid < $1.pid } }
        let grace = max(0, grace)
        let containers = selected.filter { $0.containerName != nil }
        let groups = selected.filter { $0.containerName == nil }.map(\.pid)
        let started = Date()
        // Descendants that left their server's group (setsid) get the same signals.
        let strays = ProcessTable.strays(of: selected.map(\.pid))

        var tools = containers.compactMap { entry in
            entry.containerName.flatMap { Self.tool(["stop", "--time", String(Int(grace.rounded(.up))), $0], environment: entry.environment) }
        }
        for pid in groups { _ = kill(-pid, SIGTERM) }
        ProcessTable.signal(strays, SIGTERM)
        var killedAfterGrace: [pid_t] = []
        var groupsKilled = false
        while true {
            reap(selected)
            let elapsed = Date().timeIntervalSince(started)
            let alive = Set(ProcessTable.liveGroups().filter { groups.contains($0) })
            if !groupsKilled, elapsed >= grace || isHurried {
                killedAfterGrace = groups.filter { alive.contains($0) }
                for pid in killedAfterGrace { _ = kill(-pid, SIGKILL) }
                groupsKilled = true
            }
            let toolsRunning = tools.contains { $0.isRunning }
            if (!toolsRunning && alive.isEmpty) || isHurried || elapsed >= grace + 10 { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        for tool in tools where tool.isRunning { tool.stop(grace: 0) }

        tools = containers.compactMap { entry in
            entry.containerName.flatMap { Self.tool(["rm", "-f", $0], environment: entry.environment) }
        }
        let removalDeadline = Date().addingTimeInterval(20)
        while tools.contains(where: { $0.isRunning }), Date() < removalDeadline { Thread.sleep(forTimeInterval: 0.02) }
        for tool in tools where tool.isRunning { tool.stop(grace: 0) }

        let pids = selected.map(\.pid)
        for pid in pids { _ = kill(-pid, SIGKILL) }
        let deadline = Date().addingTimeInterval(5)
        var left = pids
        while true {
            reap(selected)
            let alive = Set(ProcessTable.liveGroups())
            left = pids.filter { alive.contains($0) } + ProcessTable.signal(strays, SIGKILL).map(\.pid)
            if left.isEmpty || Date() >= deadline { break }
            for pid in left { _ = kill(-pid, SIGKILL) }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return StopOutcome(stopped: selected.count, killedAfterGrace: killedAfterGrace, leftBehind: left)
    }

    /// Collects the exit status of group leaders that have ended (through their handle when it is alive).
    private func reap(_ selected: [Entry]) {
        for entry in selected {
            let handle = lock.withLock { handles[entry.pid]?.process }
            if let handle {
                _ = handle.exitCode
            } else if lock.withLock({ entries[entry.pid] != nil }) {
                var status: Int32 = 0
                let result = waitpid(entry.pid, &status, WNOHANG)
                if result == entry.pid || (result < 0 && errno == ECHILD) { remove(entry.pid) }
            }
        }
    }

    /// `docker ARGS` as a short-lived tool in its own process group (a second Ctrl-C at the terminal
    /// does not reach it), output discarded; nil when it cannot start.
    private static func tool(_ arguments: [String], environment: [String: String]) -> ServerProcess? {
        try? ServerProcess(executable: "docker", arguments: arguments, environment: environment,
                           logURL: URL(fileURLWithPath: "/dev/null"), registry: nil)
    }
}
