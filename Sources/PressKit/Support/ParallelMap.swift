import Foundation
import Synchronization

extension Array where Element: Sendable {
    /// `map` over both cores: the array is cut into chunks, each mapped on a thread of its own
    /// with a `State` made for it by `makeState` (a cache, say), which no other chunk sees.
    func parallelMap<State, T: Sendable>(
        state makeState: @Sendable () -> State, _ transform: @Sendable (inout State, Element) -> T
    ) -> [T] {
        guard count > 1 else {
            var state = makeState()
            return map { transform(&state, $0) }
        }
        let chunk = Swift.max(16, count / (ProcessInfo.processInfo.activeProcessorCount * 4) + 1)
        let chunks = (count + chunk - 1) / chunk
        let done = Mutex<[[T]]>(Array<[T]>(repeating: [], count: chunks))
        DispatchQueue.concurrentPerform(iterations: chunks) { index in
            let range = (index * chunk)..<Swift.min(count, (index + 1) * chunk)
            var state = makeState()
            let results = range.map { transform(&state, self[$0]) }
            done.withLock { $0[index] = results }
        }
        return done.withLock { $0.flatMap { $0 } }
    }

    /// `map` over both cores, with no state kept between elements.
    func parallelMap<T: Sendable>(_ transform: @Sendable (Element) -> T) -> [T] {
        parallelMap(state: {}) { _, element in transform(element) }
    }
}
