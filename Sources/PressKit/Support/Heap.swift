import CTimerFD

/// How the process's heap grows.
public enum Heap {
    /// The heap grows 64 MB beyond each request instead of 128 KB: a build of a 10,000-post
    /// site makes some 50 MB of small values, and growing the heap in small steps costs a
    /// system call and page faults at each (a tenth of an incremental build). Pages not
    /// touched cost nothing.
    public static func growInLargeSteps() {
        _ = press_heap_top_pad(64 << 20)
    }
}
