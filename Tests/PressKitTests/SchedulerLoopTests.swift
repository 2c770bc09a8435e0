import Foundation
import Logging
import PressKit
import Git
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A clock for the scheduler's loop that runs as fast as the loop does: each sleep moves both
/// clocks on to where it would have ended, applying the wall-clock steps the test scripts. It
/// signals when its uptime reaches `end`.
final class VirtualClock: SchedulerClock {
    struct Step {
        /// The uptime at which the wall clock is set…
        var at: Double
        /// …by this many seconds (negative: back).
        var by: Double
    }

    private struct State {
        var wall: Date
        var uptime: Double
        var steps: [Step]
        var ended = false
    }

    private let state: Locked<State>
    private let end: Double
    private let ending: AsyncStream<Void>.Continuation
    /// Finishes when the clock's uptime has reached `end`.
    let reachedEnd: AsyncStream<Void>

    init(wall: Date, uptime: Double = 0, steps: [Step] = [], end: Double) {
        state = Locked(State(wall: wall, uptime: uptime, steps: steps))
        self.end = end
        (reachedEnd, ending) = AsyncStream.makeStream()
    }

    func now() -> Date { state.withLock { $0.wall } }
    func uptime() -> Double { state.withLock { $0.uptime } }

    func sleep(until deadline: Date, atMost limit: Double) async -> Wake {
        await Task.yield()
        let (wake, ended) = state.withLock { state -> (Wake, Bool) in
            let toDeadline = max(0, deadline.timeIntervalSince(state.wall))
            var wake: Wake = toDeadline <= limit ? .deadline : .limit
            var advance = min(limit, toDeadline)
            var step = 0.0
            if let next = state.steps.first, next.at <= state.uptime + advance {
                advance = max(0, next.at - state.uptime)
                step = next.by
                state.steps.removeFirst()
                wake = .clockStepped
            }
            state.uptime += advance
            state.wall += advance + step
            let ended = !state.ended && state.uptime >= end
            if ended { state.ended = true }
            return (wake, ended)
        }
        if ended { ending.finish() }
        return wake
    }
}

/// Keeps every log event with the clock's uptime when it was logged.
struct RecordingLogHandler: LogHandler {
    struct Entry {
        var message: String
        var metadata: [String: String]
        var uptime: Double
    }

    final class Record: Sendable {
        let entries = Locked<[Entry]>([])
        var all: [Entry] { entries.withLock { $0 } }
    }

    let record: Record
    let clock: any SchedulerClock
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = (event.metadata ?? [:]).mapValues { "\($0)" }
        let entry = Entry(message: "\(event.message)", metadata: fields, uptime: clock.uptime())
        record.entries.withLock { $0.append(entry) }
    }
}

/// The scheduler's service loop, run on a virtual clock: what it decides about time, without
/// waiting for it.
@Suite struct SchedulerLoopTests {
    func run(_ service: SchedulerService, until clock: VirtualClock) async throws {
        let task = Task { try await service.run() }
        for await _ in clock.reachedEnd {}
        task.cancel()
        try await task.value
    }

    func logger(_ record: RecordingLogHandler.Record, _ clock: VirtualClock) -> Logger {
        Logger(label: "test") { _ in RecordingLogHandler(record: record, clock: clock) }
    }

    @Test func aPostIsPublishedWhenTheWallClockReachesItsTime() async throws {
        let fixture = try Fixture()
        try fixture.perform("submit", adaPerson)
        try fixture.perform("approve", ritaPerson)
        try fixture.perform("schedule", eddiePerson, at: "2027-02-01T09:00:00+00:00")
        let time = try #require(
            try Scheduler(repository: fixture.repository, checker: nil).scheduled().first?.publishAt)
        let clock = VirtualClock(wall: time.addingTimeInterval(-30.25), end: 40)
        let record = RecordingLogHandler.Record()
        let service = SchedulerService(
            repository: fixture.repository, sync: nil, fetchInterval: 10, logger: logger(record, clock), clock: clock)
        try await run(service, until: clock)

        let published = record.all.filter { $0.message == "published" }
        #expect(published.count == 1)
        #expect(published.first?.uptime == 30.25)
        #expect(published.first?.metadata["lateness"] == "0.000s")
        #expect(try fixture.post().status == "published")
    }

    /// A deploy that fails is logged and tried again, 1 s, 2 s, 4 s… apart; the publish stands,
    /// and the post is reported live once a try succeeds.
    @Test func aFailedDeployIsTriedAgainWithBackoffAndThePublishStands() async throws {
        let fixture = try Fixture(
            workflow: testWorkflow.replacingOccurrences(
                of: "required:",
                with:
                    "deploy:\n  run: n=$(($(cat tries 2>/dev/null || echo 0) + 1)); echo $n > tries; test $n -ge 3\nrequired:"
            ))
        try fixture.perform("submit", adaPerson)
        try fixture.perform("approve", ritaPerson)
        try fixture.perform("schedule", eddiePerson, at: "2027-02-01T09:00:00+00:00")
        let time = try #require(
            try Scheduler(repository: fixture.repository, checker: nil).scheduled().first?.publishAt)
        let clock = VirtualClock(wall: time.addingTimeInterval(-0.5), uptime: 100, end: 108)
        let record = RecordingLogHandler.Record()
        let service = SchedulerService(
            repository: fixture.repository, sync: nil, fetchInterval: 10, logger: logger(record, clock), clock: clock)
        try await run(service, until: clock)

        #expect(try fixture.post().status == "published")
        let failures = record.all.filter { $0.message == "deploy failed" }
        #expect(failures.map(\.uptime) == [100.5, 101.5], "\(record.all.map(\.message))")
        #expect(failures.map { $0.metadata["retry_in"] } == ["1s", "2s"])
        let live = record.all.filter { $0.message == "live" }
        #expect(live.map(\.uptime) == [103.5])
        #expect(live.first?.metadata["slug"] == "hello" && live.first?.metadata["action"] == "published")
        #expect(fixture.directory.read("tries") == "3\n")
    }

    /// Retries are timed on the clock that never steps: the wall clock set back an hour between
    /// two attempts puts nothing off (timed by the wall clock, the next try waited an hour).
    @Test func aWallClockSetBackDoesNotPutOffARetry() async throws {
        let fixture = try Fixture()
        let missing = TemporaryDirectory("press-missing").file("nowhere.git")
        #expect(try await git(["remote", "add", "origin", missing], in: fixture.repository.root).status == 0)
        let sync = try RemoteSync(repository: fixture.repository, remote: "origin")
        let clock = VirtualClock(
            wall: now, uptime: 1000, steps: [VirtualClock.Step(at: 1000.5, by: -3600)], end: 1020)
        let record = RecordingLogHandler.Record()
        let service = SchedulerService(
            repository: fixture.repository, sync: sync, fetchInterval: 10, logger: logger(record, clock), clock: clock)
        try await run(service, until: clock)

        let failures = record.all.filter { $0.message == "sync failed" }
        #expect(failures.map(\.uptime) == [1000, 1001, 1003, 1007, 1015], "\(record.all.map(\.message))")
        #expect(failures.map { $0.metadata["retry_in"] } == ["1s", "2s", "4s", "8s", "16s"])
    }
}

/// The machine's wall clock, as the scheduler sleeps on it. One test at a time: one of them sets
/// the clock, which ends every sleep on it.
@Suite(.serialized) struct WallClockTests {
    @Test func aSleepEndsWhenTheWallClockReachesTheDeadlineAndNotBefore() async {
        let deadline = Date().addingTimeInterval(0.2)
        let wake = await WallClock().sleep(until: deadline, atMost: 30)
        #expect(wake == .deadline)
        #expect(Date() >= deadline)
    }

    @Test func aSleepEndsAtItsLimit() async {
        let clock = WallClock()
        let start = clock.uptime()
        let wake = await clock.sleep(until: .distantFuture, atMost: 0.1)
        #expect(wake == .limit)
        #expect(clock.uptime() - start >= 0.1)
    }

    @Test func aPastDeadlineEndsTheSleepAtOnce() async {
        #expect(await WallClock().sleep(until: Date().addingTimeInterval(-5), atMost: 30) == .deadline)
    }

    @Test(.timeLimit(.minutes(1))) func cancellingTheTaskEndsTheSleep() async {
        let sleeping = Task { await WallClock().sleep(until: .distantFuture, atMost: 600) }
        sleeping.cancel()
        #expect(await sleeping.value == .cancelled)
    }

    /// Setting the clock (here to what it reads, a step of a few microseconds) ends a sleep, so
    /// the deadline is worked out again on the new time. Needs CAP_SYS_TIME: where the test
    /// runs without it, setting the clock is refused and nothing is checked.
    @Test(.timeLimit(.minutes(1))) func settingTheWallClockEndsTheSleep() async throws {
        let clock = WallClock()
        let sleeping = Task { await clock.sleep(until: .distantFuture, atMost: 60) }
        let ended = Locked(false)
        let watcher = Task {
            _ = await sleeping.value
            ended.withLock { $0 = true }
        }
        // Nothing signals when the sleeping thread has armed its timer: set the clock until the
        // sleep notices, a bounded number of times.
        for _ in 0..<500 where !ended.withLock({ $0 }) {
            var time = timespec()
            clock_gettime(CLOCK_REALTIME, &time)
            guard clock_settime(CLOCK_REALTIME, &time) == 0 else {
                #expect(errno == EPERM)
                sleeping.cancel()
                return
            }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        // Still asleep after 500 settings: the cancellation ends it, and the expectation fails.
        sleeping.cancel()
        await watcher.value
        #expect(await sleeping.value == .clockStepped)
    }
}
