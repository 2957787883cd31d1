import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The machine's processes as /proc shows them: which process groups still have a live process,
/// and which descendants of a server left its process group (`setsid`), so stopping a server
/// reaches them too.
enum ProcessTable {
    /// A process as /proc/<pid>/stat shows it.
    struct Process: Sendable, Equatable, Hashable {
        var pid: pid_t
        var state: Character
        var parent: pid_t
        var group: pid_t
        /// Clock ticks after boot when it started: with `pid`, who it is (pids are reused).
        var startTime: UInt64
    }

    /// Every process on the machine that is not a zombie.
    static func live() -> [Process] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return names.compactMap { name -> Process? in
            guard let pid = pid_t(name), let process = Self.process(pid), process.state != "Z", process.state != "X" else { return nil }
            return process
        }
    }

    /// The process groups that have at least one process that is not a zombie.
    static func liveGroups() -> [pid_t] { Array(Set(live().map(\.group))) }

    /// Fields 1 to 5 and 22 of /proc/<pid>/stat (the command name in parentheses may hold spaces).
    static func process(_ pid: pid_t) -> Process? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let state = fields[0].first, let parent = pid_t(fields[1]), let group = pid_t(fields[2]),
              let start = UInt64(fields[19]) else { return nil }
        return Process(pid: pid, state: state, parent: parent, group: group, startTime: start)
    }

    /// The live descendants of `roots` that are in none of the roots' process groups.
    static func strays(of roots: [pid_t]) -> [Process] {
        let all = live()
        var children: [pid_t: [Process]] = [:]
        for process in all { children[process.parent, default: []].append(process) }
        let groups = Set(roots)
        var found: [Process] = []
        var queue = roots
        var seen = Set(roots)
        while let next = queue.popLast() {
            for child in children[next] ?? [] where seen.insert(child.pid).inserted {
                if !groups.contains(child.group) { found.append(child) }
                queue.append(child.pid)
            }
        }
        return found.sorted { $0.pid < $1.pid }
    }

    /// `signal` to each of `processes` that is still the same process (same start time) and alive.
    /// Returns those it signalled.
    @discardableResult
    static func signal(_ processes: [Process], _ signalNumber: Int32) -> [Process] {
        processes.filter { known in
            guard let now = process(known.pid), now.startTime == known.startTime, now.state != "Z" else { return false }
            return kill(known.pid, signalNumber) == 0
        }
    }
}
