import CTimerFD
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Why a scheduler's sleep ended.
public enum Wake: Equatable, Sendable {
    /// The wall clock reached the deadline.
    case deadline
    /// The longest sleep asked for went by (on a clock that never steps).
    case limit
    /// The wall clock was set (stepped forward or back): deadlines are to be worked out again.
    case clockStepped
    /// The task was cancelled.
    case cancelled
}

/// The time the scheduler keeps. Publish times are wall-clock times, so the scheduler reads the
/// wall clock for what is due and sleeps until a wall-clock deadline; intervals (fetch every N
/// seconds, retry backoff) are measured on a clock that never steps, so that a step of the wall
/// clock neither stalls them nor fires them early.
public protocol SchedulerClock: Sendable {
    /// The wall clock.
    func now() -> Date
    /// Seconds since some fixed moment, on a clock that is never set.
    func uptime() -> Double
    /// Sleeps until the wall clock reads `deadline`, for `limit` seconds (of uptime) at most;
    /// ends early when the wall clock is set or the task is cancelled.
    func sleep(until deadline: Date, atMost limit: Double) async -> Wake
}

/// The machine's clocks. Sleeps wait on a `timerfd` on CLOCK_REALTIME with an absolute deadline
/// and `TFD_TIMER_CANCEL_ON_SET`: it fires when the wall clock reaches the deadline however the
/// clock got there, and the kernel ends the wait when someone sets the clock (NTP stepping it,
/// an administrator, a VM resumed from suspend). A `Task.sleep` counts elapsed time instead, and
/// is late by however far the clock was stepped forward.
public struct WallClock: SchedulerClock {
    public init() {}

    public func now() -> Date { Date() }

    public func uptime() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    public func sleep(until deadline: Date, atMost limit: Double) async -> Wake {
        guard let alarm = Alarm() else {
            // No timerfd (out of descriptors): sleep the limit, as a monotonic sleep would.
            let seconds = max(0, min(limit, deadline.timeIntervalSinceNow))
            do {
                try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
            } catch {
                return .cancelled
            }
            return .limit
        }
        return await withTaskCancellationHandler {
            // The wait blocks in poll(2): on a thread of its own, never a cooperative one.
            await withCheckedContinuation { continuation in
                Thread { continuation.resume(returning: alarm.wait(until: deadline, atMost: limit)) }.start()
            }
        } onCancel: {
            alarm.interrupt()
        }
    }
}

/// One sleep's descriptors: the timer, and an eventfd that a cancellation writes to.
private final class Alarm: Sendable {
    let timer: Int32
    let wakeup: Int32

    init?() {
        timer = press_realtime_timer()
        wakeup = press_event()
        guard timer >= 0, wakeup >= 0 else {
            if timer >= 0 { close(timer) }
            if wakeup >= 0 { close(wakeup) }
            return nil
        }
    }

    deinit {
        close(timer)
        close(wakeup)
    }

    func interrupt() {
        var one: UInt64 = 1
        _ = write(wakeup, &one, 8)
    }

    func wait(until deadline: Date, atMost limit: Double) -> Wake {
        let seconds = deadline.timeIntervalSince1970
        // A deadline already past fires at once (a zero setting would disarm the timer); one
        // beyond what timespec holds never does.
        let clamped = min(max(seconds, 0.000_000_001), 1e15)
        let whole = clamped.rounded(.down)
        if press_arm_at(timer, Int64(whole), Int((clamped - whole) * 1e9)) != 0 {
            return errno == ECANCELED ? .clockStepped : .limit
        }
        var start = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        while true {
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            let elapsed = Double(now.tv_sec - start.tv_sec) + Double(now.tv_nsec - start.tv_nsec) / 1e9
            let remaining = max(0, limit - elapsed)
            var descriptors = [
                pollfd(fd: timer, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wakeup, events: Int16(POLLIN), revents: 0),
            ]
            // Rounded up, so the limit is never cut short by a millisecond.
            let result = poll(&descriptors, 2, Int32(min((remaining * 1000).rounded(.up), Double(Int32.max))))
            if result < 0 {
                if errno == EINTR { continue }
                return .limit
            }
            if result == 0 { return .limit }
            if descriptors[1].revents != 0 { return .cancelled }
            var expirations: UInt64 = 0
            if read(timer, &expirations, 8) < 0 {
                if errno == ECANCELED { return .clockStepped }
                if errno == EAGAIN || errno == EINTR { continue }
                return .limit
            }
            return .deadline
        }
    }
}
