import Foundation
import Git
import Logging
import PressKit
import ServiceLifecycle

/// The long-running scheduler: catches up on start, then sleeps until the earliest publish
/// time, waking early (within a second) when HEAD or a post folder changes. On SIGTERM or
/// SIGINT it finishes the publish in progress and returns.
struct SchedulerService: Service {
    let repository: ContentRepository
    let logger: Logger

    func run() async throws {
        let scheduler = Scheduler(repository: repository, checker: HTTPLinkChecker(cacheDirectory: repository.root + "/.press/cache"))
        let watch = ChangeWatch(repository: repository)
        var catchingUp = true
        var posts = try scheduler.scheduled()
        logger.info("started", metadata: ["scheduled": "\(posts.count)", "next": "\(posts.first.map { PressTime.format($0.publishAt, zone: .current) } ?? "none")"])
        while !Task.isShuttingDownGracefully {
            let events = await scheduler.handleDue(posts, now: Date.init, catchingUp: catchingUp)
            catchingUp = false
            for event in events { await report(event) }
            if !events.isEmpty || watch.changed() { posts = try scheduler.scheduled() }
            let next = posts.first?.publishAt
            // Sleep until the next publish time exactly, or a second, whichever is sooner.
            let wake = min(next ?? .distantFuture, Date().addingTimeInterval(1))
            let interval = wake.timeIntervalSinceNow
            if interval > 0 {
                try? await cancelWhenGracefulShutdown {
                    try await Task.sleep(nanoseconds: UInt64(interval * 1_000_000_000))
                }
            }
            if watch.changed() { posts = try scheduler.scheduled() }
        }
        logger.info("stopped")
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
        case .held:
            metadata["reason"] = "\(event.reason ?? "")"
            logger.error("held", metadata: metadata)
        }
        if let result = event.result {
            for outcome in await HookRunner().run(result, in: repository) where outcome.failure != nil {
                logger.error("hook failed", metadata: ["slug": "\(event.slug)", "hook": "\(outcome.hook)", "attempts": "\(outcome.attempts)", "error": "\(outcome.failure ?? "")"])
            }
        }
    }
}

/// Notices a moved HEAD or a changed post folder without reading posts: the HEAD commit and
/// the folders' modification times (a file added, removed, renamed or replaced by an editor).
final class ChangeWatch: @unchecked Sendable {
    private let repository: ContentRepository
    private var stamp: String

    init(repository: ContentRepository) {
        self.repository = repository
        stamp = ""
        stamp = current()
    }

    /// Whether anything changed since the last call (or since it was made).
    func changed() -> Bool {
        let now = current()
        defer { stamp = now }
        return now != stamp
    }

    private func current() -> String {
        let head = (try? repository.git.headCommitID())??.description ?? "-"
        let folders = ContentRepository.postFolders.map { folder -> String in
            var info = stat()
            guard stat(repository.git.absolutePath(folder), &info) == 0 else { return "-" }
            return "\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
        }
        return ([head] + folders).joined(separator: " ")
    }
}
