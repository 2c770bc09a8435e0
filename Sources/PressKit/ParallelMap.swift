import Foundation

extension Array {
    /// `map` over both cores: the array is cut into chunks, and each chunk is handed to
    /// `makeWorker` to get a transform of its own (for state, such as a cache, that a chunk keeps).
    func parallelMap<T>(makeWorker: () -> (Element) -> T) -> [T] {
        guard count > 1 else {
            let transform = makeWorker()
            return map(transform)
        }
        var results = [T?](repeating: nil, count: count)
        let lock = NSLock()
        let chunk = Swift.max(16, count / (ProcessInfo.processInfo.activeProcessorCount * 4) + 1)
        let chunks = (count + chunk - 1) / chunk
        let workers = (0..<chunks).map { _ in makeWorker() }
        DispatchQueue.concurrentPerform(iterations: chunks) { index in
            let range = (index * chunk)..<Swift.min(count, (index + 1) * chunk)
            let transform = workers[index]
            let done = range.map { transform(self[$0]) }
            lock.lock()
            for (offset, result) in done.enumerated() { results[range.lowerBound + offset] = result }
            lock.unlock()
        }
        return results.compactMap { $0 }
    }

    func parallelMap<T>(_ transform: @escaping (Element) -> T) -> [T] {
        parallelMap { transform }
    }
}
