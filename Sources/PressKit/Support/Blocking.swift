import NIOPosix

/// Runs work that blocks — the writer lock's wait, file and index I/O, libgit2's network calls —
/// on a thread of NIO's pool, so that no thread of Swift's cooperative pool (two, on two cores)
/// sits waiting on it while tasks are ready to run.
func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await NIOThreadPool.singleton.runIfActive(work)
}
