import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small shell process that outlives arena-script only to stop its servers: arena-script tells it
/// (over a socket on its stdin) which process groups and containers run; when the socket closes
/// with some still listed, arena-script ended without stopping them (SIGKILL, a crash, the kernel's
/// out-of-memory killer), and the guardian stops them: SIGTERM and `docker stop`, the grace period,
/// SIGKILL and `docker rm -f`. After a normal exit or an interrupt nothing is listed and it just ends.
final class ServerGuardian: @unchecked Sendable {
    /// The guardian's commands: `+ PGID`, `- PGID`, `c NAME`, `u NAME` (container gone); on end of
    /// input, stop whatever is listed. $1: grace in tenths of a second; $2: grace for `docker stop`.
    static let script = """
        trap '' INT TERM HUP PIPE
        groups=""; containers=""
        without() { out=""; for x in $1; do [ "$x" = "$2" ] || out="$out $x"; done; echo "$out"; }
        while read -r op arg; do
          case "$op" in
            +) groups="$groups $arg" ;;
            -) groups=$(without "$groups" "$arg") ;;
            c) containers="$containers $arg" ;;
            u) containers=$(without "$containers" "$arg") ;;
          esac
        done
        [ -z "$groups$containers" ] && exit 0
        for c in $containers; do docker stop --time "$2" "$c" >/dev/null 2>&1 & done
        for g in $groups; do kill -TERM -"$g" 2>/dev/null; done
        i=0
        while [ "$i" -lt "$1" ]; do
          alive=""
          for g in $groups; do kill -0 -"$g" 2>/dev/null && alive=1; done
          [ -z "$alive" ] && break
          sleep 0.1; i=$((i + 1))
        done
        for g in $groups; do kill -KILL -"$g" 2>/dev/null; done
        wait
        for c in $containers; do docker rm -f "$c" >/dev/null 2>&1; done
        """

    let pid: pid_t
    private let socket: Int32

    /// Starts the guardian with `environment` (where `docker` is found and how it reaches its
    /// daemon); nil when it cannot start (servers then run unguarded, as before).
    init?(environment: [String: String], grace: Double) {
        var ends: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &ends) == 0 else { return nil }
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        let tenths = String(Int((max(0, grace) * 10).rounded(.up)))
        let argv = ["sh", "-c", Self.script, "arena-script-guardian", tenths, String(Int(max(0, grace).rounded(.up)))]
        let outcome = ProcessSpawn.spawn(path: "/bin/sh", argv: argv, environment: environment,
                                         stdin: .descriptor(ends[1]), stdout: .devNull, stderr: .devNull)
        close(ends[1])
        guard case let .success(child) = outcome else {
            close(ends[0])
            return nil
        }
        pid = child
        socket = ends[0]
    }

    func track(group: pid_t, container: String?) {
        send("+ \(group)\n" + (container.flatMap(Self.safe).map { "c \($0)\n" } ?? ""))
    }

    func forget(group: pid_t, container: String?) {
        send("- \(group)\n" + (container.flatMap(Self.safe).map { "u \($0)\n" } ?? ""))
    }

    /// Container names go to the shell as words: only names docker itself allows.
    private static func safe(_ name: String) -> String? {
        name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }) && !name.isEmpty ? name : nil
    }

    /// MSG_NOSIGNAL: a guardian that died is no reason for SIGPIPE here.
    private func send(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBufferPointer { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0, errno == EINTR { continue }
            guard sent > 0 else { return }
            offset += sent
        }
    }
}
