import NIOConcurrencyHelpers

/// A value behind a lock: the one way press guards state that threads share.
///
/// It keeps the standard library `Mutex`'s contract (a value goes in and out `sending`, so one
/// that is not `Sendable`, a C handle, can be handed between threads through it) but not its
/// lock: on Linux `Mutex` waits in a futex call inside the standard library, which
/// ThreadSanitizer does not see, so two threads taking turns through one `Mutex` are reported as
/// a race whenever they happen to meet (`make test-tsan` failed at random on such reports). This
/// one is a pthread mutex (NIO's `NIOLock`), which ThreadSanitizer understands; `make lint`
/// refuses a `Mutex` in the sources and tests.
public final class Locked<Value>: @unchecked Sendable {
    // Sendable as `Mutex` is: the value is reached only under the lock, and only `sending`.
    private let lock = NIOLock()
    private nonisolated(unsafe) var value: Value

    public init(_ value: sending Value) { self.value = value }

    /// Runs `body` with the value while holding the lock.
    public func withLock<Result: ~Copyable, E: Error>(
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
