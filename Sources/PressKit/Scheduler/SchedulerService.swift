import Foundation
import Git
import Logging
import ServiceLifecycle

/// The long-running scheduler: catches up on start, then sleeps until the earliest publish
/// time by the wall clock (`SchedulerClock`: a step of the clock wakes it to look again),
/// waking early (within a second) when HEAD or a post folder changes. With a remote it
/// also fetches every `fetchInterval` seconds and syncs around each publish. On SIGTERM or
/// SIGINT it finishes the publish in progress and returns.
public struct SchedulerService: Service {
    let repository: ContentRepository
    let sync: RemoteSync?
    let fetchInterval: TimeInterval
    let logger: Logger
    let scheduler: Scheduler
    let clock: any SchedulerClock
    /// Hooks run beside the scheduler, so a slow or failing one (retried with backoff) never
    /// delays the next publish; a graceful stop waits for them.
    public let hooks = HookTasks()
    /// A deploy that failed, tried again with backoff.
    let pendingDeploy = PendingDeploy()

    public init(
        repository: ContentRepository, sync: RemoteSync?, fetchInterval: TimeInterval, logger: Logger,
        clock: any SchedulerClock = WallClock()
    ) {
        self.repository = repository
        self.clock = clock
        self.sync = sync
        self.fetchInterval = fetchInterval
        self.logger = logger
        scheduler = Scheduler(
            repository: repository, checker: HTTPLinkChecker(cacheDirectory: repository.root + "/.press/cache"))
    }

    public func run() async throws {
        let watch = ChangeWatch(repository: repository)
        var catchingUp = true
        var posts = try scheduler.scheduled()
        // Intervals on the clock that never steps: a wall clock set back an hour must not put
        // off the next fetch or retry by an hour.
        var lastFetch = -Double.infinity
        var retryAt = -Double.infinity
        var backoff: TimeInterval = 1
        var started: Logger.Metadata = [
            "scheduled": "\(posts.count)",
            "next": "\(posts.first.map { PressTime.format($0.publishAt, zone: .current) } ?? "none")",
        ]
        if let sync { started["remote"] = "\(sync.remoteName)" }
        logger.info("started", metadata: started)
        // Posts that could not be read at their time wait for the repository to change.
        var stuck: Set<String> = []
        func rescan() throws { posts = try scheduler.scheduled().filter { !stuck.contains($0.slug) } }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var needsScan = false
            let uptime = clock.uptime()
            let due = posts.first.map { $0.publishAt <= clock.now() } ?? false
            let fetchDue = sync != nil && uptime - lastFetch >= fetchInterval
            if let retry = pendingDeploy.retryAt, uptime >= retry { await deploy([]) }
            if (due || catchingUp || fetchDue) && uptime >= retryAt {
                do {
                    let events = try await round(catchingUp: catchingUp, posts: posts)
                    catchingUp = false
                    backoff = 1
                    stuck.formUnion(events.filter { $0.kind == .failed }.map(\.slug))
                    needsScan = !events.isEmpty
                } catch {
                    logger.error("sync failed", metadata: ["error": "\(error)", "retry_in": "\(Int(backoff))s"])
                    retryAt = clock.uptime() + backoff
                    backoff = min(backoff * 2, 60)
                }
                if sync != nil { lastFetch = uptime }
            }
            // One scan for whatever changed: this round's commits, a fetch, an editor.
            if watch.changed() {
                stuck = []
                needsScan = true
            }
            if needsScan { try rescan() }
            // Sleep until the next publish time by the wall clock, or a second (to notice an
            // editor's change), or the next fetch; while a retry waits, until the retry.
            let now = clock.uptime()
            var deadline = posts.first?.publishAt ?? .distantFuture
            var limit = 1.0
            if sync != nil { limit = min(limit, lastFetch + fetchInterval - now) }
            if now < retryAt {
                deadline = .distantFuture
                limit = retryAt - now
            }
            if let retry = pendingDeploy.retryAt { limit = min(limit, max(0.01, retry - now)) }
            if limit > 0 {
                let (until, atMost) = (deadline, limit)
                _ = await cancelWhenGracefulShutdown {
                    await clock.sleep(until: until, atMost: atMost)
                }
            }
            if watch.changed() {
                stuck = []
                try rescan()
            }
        }
        await hooks.finish()
        logger.info("stopped")
    }

    /// Handles what is due now (with a remote: fetched, integrated, and pushed after), then logs
    /// each event and runs its hooks. `posts` is the last scan (nil: scan now).
    public func round(catchingUp: Bool, posts: [ScheduledPost]? = nil) async throws -> [SchedulerEvent] {
        let events: [SchedulerEvent]
        if let sync {
            let round = try await scheduler.publishDue(
                now: clock.now, catchingUp: catchingUp, through: sync, known: posts)
            if round.fetched > 0 {
                logger.info("fetched", metadata: ["remote": "\(sync.remoteName)", "commits": "\(round.fetched)"])
            }
            for reason in round.rejectedPushes {
                logger.warning(
                    "push refused; redone on the remote's new tip",
                    metadata: ["remote": "\(sync.remoteName)", "reason": "\(reason)"])
            }
            events = round.events
        } else {
            events = await scheduler.handleDue(
                try posts ?? scheduler.scheduled(), now: clock.now, catchingUp: catchingUp)
        }
        for event in events { await report(event) }
        let changed = events.filter { $0.kind == .published || $0.kind == .unpublished }
        if !changed.isEmpty { await deploy(changed) }
        return events
    }

    /// After posts came out or went: the site built (only what changed) and deployed where
    /// the workflow says, and a `live` event for each post with the seconds from its time to
    /// the site being in place. Only when the workflow has `deploy:` or the repository has a
    /// built `site/` to keep current. A failure is logged and tried again with backoff (1 s,
    /// doubling to a minute); the publish stands.
    func deploy(_ events: [SchedulerEvent]) async {
        let workflow = try? repository.workflow()
        guard workflow?.deploy.isEmpty == false || FileManager.default.fileExists(atPath: repository.root + "/site")
        else { return }
        // A retry with nothing new goes only where the last try failed.
        let (waited, failedKinds) = pendingDeploy.take()
        let waiting = waited + events
        let failures: [(String, String, Bool)]
        var kinds: Set<String> = []
        var finished = clock.now()
        do {
            let deployment = try await repository.buildAndDeploy(
                now: clock.now(),
                only: events.isEmpty && !failedKinds.isEmpty && !failedKinds.contains("build") ? failedKinds : nil)
            finished = deployment.finished
            failures = deployment.failed.map { ($0.target, $0.failure ?? "", $0.retryable) }
            kinds = Set(deployment.failed.map(\.kind))
        } catch {
            failures = [("build", "\(error)", true)]
            kinds = ["build"]
        }
        guard failures.isEmpty else {
            let retryable = failures.allSatisfy(\.2)
            let wait = pendingDeploy.failed(waiting, kinds: kinds, retryable: retryable, at: clock.uptime())
            for (target, failure, _) in failures {
                var metadata: Logger.Metadata = ["target": "\(target)", "error": "\(failure)"]
                if let wait { metadata["retry_in"] = "\(Int(wait))s" }
                logger.error("deploy failed", metadata: metadata)
            }
            return
        }
        pendingDeploy.succeeded()
        for event in waiting {
            logger.info(
                "live",
                metadata: [
                    "slug": "\(event.slug)", "action": "\(event.kind.rawValue)",
                    "scheduled_for": "\(PressTime.format(event.scheduledFor, zone: .current))",
                    "after": "\(String(format: "%.3fs", finished.timeIntervalSince(event.scheduledFor)))",
                ])
        }
    }

    func report(_ event: SchedulerEvent) async {
        var metadata: Logger.Metadata = [
            "slug": "\(event.slug)", "scheduled_for": "\(PressTime.format(event.scheduledFor, zone: .current))",
            "lateness": "\(String(format: "%.3fs", event.lateness))",
        ]
        if let commit = event.commit { metadata["commit"] = "\(commit.description.prefix(7))" }
        if event.caughtUp { metadata["caught_up"] = "true" }
        switch event.kind {
        case .published: logger.info("published", metadata: metadata)
        case .failed:
            metadata["reason"] = "\(event.reason ?? "")"
            logger.error("not published", metadata: metadata)
        case .held:
            metadata["reason"] = "\(event.reason ?? "")"
            logger.error("held", metadata: metadata)
        case .unpublished: logger.info("unpublished", metadata: metadata)
        }
        // The plan reads git here, on the scheduler's own path; only carrying it out (commands
        // and webhooks, no git) runs beside the next rounds.
        if let result = event.result, let plan = HookRunner().plan(result, in: repository) {
            let logger = logger
            await hooks.start {
                for outcome in await HookRunner().run(plan) where outcome.failure != nil {
                    logger.error(
                        "hook failed",
                        metadata: [
                            "slug": "\(result.slug)", "hook": "\(outcome.hook)", "attempts": "\(outcome.attempts)",
                            "error": "\(outcome.failure ?? "")",
                        ])
                }
            }
        }
    }
}

/// Posts whose deploy failed, and when to try again.
final class PendingDeploy: Sendable {
    private struct State {
        var events: [SchedulerEvent] = []
        /// The targets that failed (`folder`, `branch`, `run`, or `build`).
        var kinds: Set<String> = []
        var retryAt: Double?
        var backoff: Double = 1
    }
    private let state = Locked(State())

    /// When the next try is due (on the clock that never steps); nil when nothing waits.
    var retryAt: Double? { state.withLock { $0.retryAt } }

    /// The posts waiting to be reported live and the targets that failed; nothing waits after this.
    func take() -> ([SchedulerEvent], Set<String>) {
        state.withLock { state in
            defer { state = State(backoff: state.backoff) }
            return (state.events, state.kinds)
        }
    }

    /// Keeps `events` for the next try; returns the wait, or nil when trying again cannot help.
    func failed(_ events: [SchedulerEvent], kinds: Set<String>, retryable: Bool, at uptime: Double) -> Double? {
        state.withLock { state in
            state.events = events
            state.kinds = kinds
            guard retryable else {
                state.retryAt = nil
                return nil
            }
            let wait = state.backoff
            state.retryAt = uptime + wait
            state.backoff = min(state.backoff * 2, 60)
            return wait
        }
    }

    func succeeded() { state.withLock { $0 = State() } }
}

/// The hook runs still going, so that a graceful stop can wait for them.
public actor HookTasks {
    private var running: [Int: Task<Void, Never>] = [:]
    private var next = 0

    func start(_ work: @escaping @Sendable () async -> Void) {
        let id = next
        next += 1
        running[id] = Task {
            await work()
            self.done(id)
        }
    }

    private func done(_ id: Int) { running[id] = nil }

    public func finish() async {
        while let (_, task) = running.first {
            await task.value
        }
    }
}

/// Notices a moved HEAD or a changed post folder without reading posts: the HEAD commit and
/// the folders' modification times (a file added, removed, renamed or replaced by an editor).
final class ChangeWatch: Sendable {
    private let repository: ContentRepository
    private let stamp: Locked<String>

    init(repository: ContentRepository) {
        self.repository = repository
        stamp = Locked(ChangeWatch.stamp(of: repository))
    }

    /// Whether anything changed since the last call (or since it was made).
    func changed() -> Bool {
        let now = ChangeWatch.stamp(of: repository)
        return stamp.withLock { last in
            defer { last = now }
            return now != last
        }
    }

    private static func stamp(of repository: ContentRepository) -> String {
        let head = (try? repository.git.headCommitID())??.description ?? "-"
        let folders = ContentRepository.postFolders.map { folder -> String in
            var info = stat()
            guard stat(repository.git.absolutePath(folder), &info) == 0 else { return "-" }
            return "\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
        }
        return ([head] + folders).joined(separator: " ")
    }
}
