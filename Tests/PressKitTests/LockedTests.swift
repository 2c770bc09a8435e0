import Foundation
import Git
import Testing

/// `Locked` under contention, in the library's tests because `make test-tsan` runs these: two
/// threads that keep meeting at the lock. With the standard library's `Mutex` in its place,
/// ThreadSanitizer reports the turns they take as a race (it cannot see a `Mutex`'s futex waits).
@Suite struct LockedTests {
    @Test func twoThreadsTakingTurnsLoseNoUpdate() async {
        let counts = Locked([String: Int]())
        let rounds = 10_000
        await withCheckedContinuation { (finished: CheckedContinuation<Void, Never>) in
            for name in ["a", "b"] {
                // Threads of their own, not tasks: both run at once however busy the pool is.
                Thread.detachNewThread {
                    counts.withLock { $0["started", default: 0] += 1 }
                    while counts.withLock({ $0["started"] }) != 2 { sched_yield() }
                    for _ in 0..<rounds {
                        counts.withLock { $0[name, default: 0] += 1 }
                        counts.withLock { $0["both", default: 0] += 1 }
                    }
                    let last = counts.withLock { counts in
                        counts["finished", default: 0] += 1
                        return counts["finished"] == 2
                    }
                    if last { finished.resume() }
                }
            }
        }
        let expected = ["started": 2, "a": rounds, "b": rounds, "both": 2 * rounds, "finished": 2]
        #expect(counts.withLock { $0 } == expected)
    }
}
