import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A command run by `/bin/sh` in a process group of its own, with exactly the environment it is
/// given, standard input from /dev/null, and a time limit after which the whole group is killed.
public struct ChildProcess {
    var command: String
    var environment: [String: String]
    var directory: String
    var timeout: Double

    enum Ending: Equatable {
        case exited(Int32)
        case signalled(Int32)
        case timedOut
        case notStarted(String)
    }

    /// Starts the command and waits for it on a thread of its own (never a task's), so a slow
    /// hook holds no cooperative thread.
    func run() async -> Ending {
        let pid: pid_t
        switch spawn() {
        case .success(let started): pid = started
        case .failure(let reason): return .notStarted(reason.message)
        }
        let exit = ProcessExit(pid: pid)
        let timeout = self.timeout
        let killer = Task {
            try await Task.sleep(nanoseconds: UInt64(max(0, timeout) * 1e9))
            exit.killGroup()
        }
        let status = await exit.wait()
        killer.cancel()
        if exit.wasKilled { return .timedOut }
        if status & 0x7f == 0 { return .exited((status >> 8) & 0xff) }
        return .signalled(status & 0x7f)
    }

    /// Adds a close for every descriptor above standard error that is open now: a child gets
    /// none of press's files, sockets, locks or the pipes of whoever started press (a hook left
    /// running in the background must not keep a caller waiting for the end of press's output).
    public static func closeInheritedDescriptors(in actions: inout posix_spawn_file_actions_t) {
        let listed = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for descriptor in listed.compactMap(Int32.init).sorted()
        where descriptor > 2 && fcntl(descriptor, F_GETFD) != -1 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
    }

    struct SpawnFailure: Error {
        var message: String
    }

    private func spawn() -> Result<pid_t, SpawnFailure> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        ChildProcess.closeInheritedDescriptors(in: &actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        var signals = sigset_t()
        sigemptyset(&signals)
        posix_spawnattr_setsigmask(&attributes, &signals)
        sigaddset(&signals, SIGPIPE)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGINT)
        posix_spawnattr_setsigdefault(&attributes, &signals)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        // The first shell moves into the directory (glibc's spawn has no portable chdir) and
        // becomes the command's own shell.
        let words = ["/bin/sh", "-c", "cd -- \"$1\" && exec /bin/sh -c \"$2\"", "sh", directory, command]
        let arguments: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        let variables: [UnsafeMutablePointer<CChar>?] =
            environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            arguments.forEach { free($0) }
            variables.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, "/bin/sh", &actions, &attributes, arguments, variables)
        guard result == 0 else {
            return .failure(SpawnFailure(message: "cannot start /bin/sh: \(String(cString: strerror(result)))"))
        }
        return .success(pid)
    }
}

/// Waits for one child on a dedicated thread and hands its status to an async caller. The
/// group is killed at most once, and only while the child has not been reaped (so its process
/// group id cannot have been reused).
private final class ProcessExit: Sendable {
    private struct State {
        var reaped = false
        var killed = false
    }
    private let state = Mutex(State())
    let pid: pid_t

    init(pid: pid_t) { self.pid = pid }

    var wasKilled: Bool { state.withLock { $0.killed } }

    func killGroup() {
        state.withLock { state in
            guard !state.reaped else { return }
            state.killed = true
            kill(-pid, SIGKILL)
        }
    }

    func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            let thread = Thread { [self] in
                // WNOWAIT: the child stays a zombie (its pid and group reserved) until no kill
                // can be under way; then it is reaped.
                var info = siginfo_t()
                while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
                let status = state.withLock { state -> Int32 in
                    var status: Int32 = 0
                    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                    state.reaped = true
                    return status
                }
                continuation.resume(returning: status)
            }
            thread.start()
        }
    }
}
