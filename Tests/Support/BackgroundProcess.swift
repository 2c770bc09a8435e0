import Foundation
import Git

#if canImport(Glibc)
    import Glibc
#endif

/// A process a test starts and leaves running (a scheduler, a git daemon, a press to kill
/// mid-transition): signalled by the test, and awaited without holding a thread.
public final class BackgroundProcess: Sendable {
    private struct State {
        var status: Int32?
        var waiting: [CheckedContinuation<Int32, Never>] = []
    }

    private let process: Process
    private let state = Locked(State())

    /// Starts `executable`; `environment` is added to press's own; standard output is discarded
    /// and standard error appended to `log` (discarded without one).
    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:], log: String? = nil)
        throws
    {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        if let log {
            _ = FileManager.default.createFile(atPath: log, contents: nil)
            process.standardError = FileHandle(forWritingAtPath: log)
        } else {
            process.standardError = FileHandle.nullDevice
        }
        // Set before the start, so that an early exit is not missed.
        process.terminationHandler = { [self] ended in finished(ended.terminationStatus) }
        try process.run()
    }

    private func finished(_ status: Int32) {
        let waiting = state.withLock { state in
            state.status = status
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume(returning: status) }
    }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { state.withLock { $0.status == nil } }

    public func signal(_ number: Int32) { kill(process.processIdentifier, number) }
    public func terminate() { signal(SIGTERM) }

    /// Waits for the process to end and returns its exit status (or the signal that ended it).
    @discardableResult
    public func exit() async -> Int32 {
        await withCheckedContinuation { continuation in
            let status = state.withLock { state -> Int32? in
                if state.status == nil { state.waiting.append(continuation) }
                return state.status
            }
            if let status { continuation.resume(returning: status) }
        }
    }
}

/// Checks `condition` until it holds or `seconds` go by (for what gives no signal: a file a
/// process writes, a line in its log); returns whether it held.
public func eventually(_ seconds: Double, _ condition: () throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        try? await Task.sleep(nanoseconds: 20_000_000)
    }
    return try condition()
}
