import Foundation
import Git

extension Array where Element: Sendable {
    /// `map` over both cores: the array is cut into chunks, each mapped on a thread of its own
    /// with a `State` made for it by `makeState` (a cache, say), which no other chunk sees.
    func parallelMap<State, T: Sendable>(
        state makeState: @Sendable () -> State, _ transform: @Sendable (inout State, Element) -> T
    ) -> [T] {
        inChunks { range in
            var state = makeState()
            return range.map { transform(&state, self[$0]) }
        }
    }

    /// `map` over both cores, with no state kept between elements. (Not the stateful one with
    /// an empty state: ThreadSanitizer took the chunks' `inout ()`, which has no storage of its
    /// own, for one variable modified on two threads.)
    func parallelMap<T: Sendable>(_ transform: @Sendable (Element) -> T) -> [T] {
        inChunks { range in range.map { transform(self[$0]) } }
    }

    /// The results of `map` over chunks of the indexes, each chunk on a thread of its own, in
    /// order.
    private func inChunks<T: Sendable>(_ map: @Sendable (Range<Int>) -> [T]) -> [T] {
        guard count > 1 else { return map(0..<count) }
        let chunk = Swift.max(16, count / (ProcessInfo.processInfo.activeProcessorCount * 4) + 1)
        let chunks = (count + chunk - 1) / chunk
        let done = Locked<[[T]]>(Array<[T]>(repeating: [], count: chunks))
        DispatchQueue.concurrentPerform(iterations: chunks) { index in
            let results = map((index * chunk)..<Swift.min(count, (index + 1) * chunk))
            done.withLock { $0[index] = results }
        }
        return done.withLock { $0.flatMap { $0 } }
    }
}
