import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive lock on a file, held with `flock(2)` so that the kernel releases it when the
/// holding process dies, even by `kill -9`. The holder's pid is written into the file.
public final class FileLock {
    public let path: String
    private let descriptor: Int32

    /// Takes the lock, waiting up to `timeout` seconds for another holder to let go.
    /// - Throws: `GitError.locked` naming the path and the holder's pid when the wait runs out.
    public init(path: String, timeout: TimeInterval) throws {
        // The descriptor is opened and locked before the object exists: a lock not taken closes
        // its descriptor once, there, and no deinit runs to close it again.
        descriptor = try FileLock.take(path, timeout: timeout)
        self.path = path
    }

    /// Opens `path` and locks it, waiting up to `timeout` seconds; the locked descriptor.
    private static func take(_ path: String, timeout: TimeInterval) throws -> Int32 {
        let directory = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw GitError.io(path: path, message: String(cString: strerror(errno))) }
        let deadline = Date().addingTimeInterval(timeout)
        var delay: useconds_t = 2_000
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, Date() < deadline else {
                let holder = FileLock.holder(of: path).map { " by process \($0)" } ?? ""
                close(descriptor)
                throw GitError.locked(path: path + holder)
            }
            // flock has no timed wait; back off briefly, as git does for its own lock files.
            usleep(delay)
            delay = min(delay * 2, 50_000)
        }
        let pid = "\(getpid())\n"
        ftruncate(descriptor, 0)
        _ = pid.withCString { write(descriptor, $0, strlen($0)) }
        return descriptor
    }

    /// Takes the lock only if nobody holds it; nil when somebody does.
    public static func attempt(path: String) throws -> FileLock? {
        do {
            return try FileLock(path: path, timeout: 0)
        } catch GitError.locked {
            return nil
        }
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// The pid written by the process that last held the lock at `path`.
    public static func holder(of path: String) -> Int32? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return Int32(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

extension Repository {
    /// Takes the repository's writer lock (`.git/press/lock`): one press process changes the
    /// repository at a time, and a second one waits up to `timeout` seconds (default 5, or
    /// `PRESS_LOCK_TIMEOUT`).
    public func lock(timeout: TimeInterval? = nil) throws -> FileLock {
        let configured = ProcessInfo.processInfo.environment["PRESS_LOCK_TIMEOUT"].flatMap(TimeInterval.init)
        return try FileLock(path: pressDirectory + "/lock", timeout: timeout ?? configured ?? 5)
    }
}
