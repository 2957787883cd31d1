import Foundation

/// `posix_spawn` as servers and their guardian are started: the three standard streams given,
/// every other descriptor of this process closed in the child, an empty signal mask (a child
/// spawned from a Swift concurrency thread would otherwise inherit one that blocks SIGTERM), the
/// given signals back to their default handlers, and a process group of its own.
enum ProcessSpawn {
    enum Stream {
        case devNull
        case descriptor(Int32)
    }

    /// The child's process id, or the `posix_spawn` error number.
    static func spawn(path: String, argv: [String], environment: [String: String], stdin: Stream, stdout: Stream, stderr: Stream,
                      defaultSignals: [Int32] = []) -> Result<pid_t, SpawnError> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, stream) in [(Int32(0), stdin), (1, stdout), (2, stderr)] {
            switch stream {
            case .devNull: posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
            case let .descriptor(fd): posix_spawn_file_actions_adddup2(&actions, fd, target)
            }
        }
        // Nothing else this process has open (request cache, sockets, pipes) goes to the child.
        _ = addCloseFrom?(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK
        if !defaultSignals.isEmpty {
            var defaults = sigset_t()
            sigemptyset(&defaults)
            for signal in defaultSignals { sigaddset(&defaults, signal) }
            posix_spawnattr_setsigdefault(&attributes, &defaults)
            flags |= POSIX_SPAWN_SETSIGDEF
        }
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let envStrings = environment.keys.sorted().map { "\($0)=\(environment[$0] ?? "")" }
        let argvC: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        let envC: [UnsafeMutablePointer<CChar>?] = envStrings.map { strdup($0) } + [nil]
        defer {
            for p in argvC { free(p) }
            for p in envC { free(p) }
        }
        var child: pid_t = 0
        let status = posix_spawn(&child, path, &actions, &attributes, argvC, envC)
        return status == 0 ? .success(child) : .failure(SpawnError(code: status))
    }

    struct SpawnError: Error {
        let code: Int32
        var message: String { String(cString: strerror(code)) }
    }

    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later; Swift's Glibc module does
    /// not declare it), found at run time; nil where the C library lacks it.
    static let addCloseFrom: AddCloseFrom? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
        .map { unsafeBitCast($0, to: AddCloseFrom.self) }
}
