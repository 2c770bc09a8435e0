import Foundation
import Git

/// A post waiting for its time: to be published, or (`expires`) taken down at its `expire_at`.
public struct ScheduledPost: Equatable, Sendable {
    public var slug: String
    public var path: String
    public var title: String
    public var state: String
    /// When it is due: `publish_at`, or `expire_at` for a post that expires.
    public var publishAt: Date
    public var expires = false
}

/// What the scheduler did with one post.
public struct SchedulerEvent: Sendable {
    public enum Kind: String, Sendable {
        /// Published on time (or caught up).
        case published
        /// Sent back to review: missed while the scheduler was down (`missed: hold`), or refused.
        case held
        /// Neither: the post or its workflow could not be read at its time (`reason` says why).
        /// It stays scheduled and is tried again when the repository changes.
        case failed
        /// Taken down at its `expire_at`.
        case unpublished
    }

    public var kind: Kind
    public var slug: String
    public var scheduledFor: Date
    /// Seconds after `scheduledFor` that the commit was made.
    public var lateness: TimeInterval
    public var caughtUp: Bool
    public var commit: ObjectID?
    /// Why a post was held: the refusal or the gate's diagnostics.
    public var reason: String?
    public var result: TransitionResult?
}

/// Publishes scheduled posts when their time comes. Time is a parameter: `now` is passed in, so
/// tests run it on a test clock.
public struct Scheduler: Sendable {
    public let repository: ContentRepository
    public let checker: ExternalChecking?

    public init(repository: ContentRepository, checker: ExternalChecking?) {
        self.repository = repository
        self.checker = checker
    }

    /// Every post in a state that a timed transition (one with `at`) leads to, with its time,
    /// and every published post with an `expire_at`.
    public func scheduled() throws -> [ScheduledPost] {
        let workflow = try repository.workflow()
        return repository.readAll { post -> ScheduledPost? in
            if let state = post.status, workflow.folder(of: state) == Workflow.publishedFolder {
                guard let text = post.string("expire_at"),
                    let date = try? PressTime.parse(text, zone: workflow.timeZone)
                else { return nil }
                return ScheduledPost(
                    slug: post.fileSlug, path: post.path, title: post.title ?? post.fileSlug, state: state,
                    publishAt: date, expires: true)
            }
            guard let state = post.status, let text = post.publishAt,
                workflow.transitions.contains(where: { $0.at != .none && $0.to == state }),
                workflow.folder(of: state) != Workflow.publishedFolder,
                let date = try? PressTime.parse(text, zone: workflow.timeZone)
            else { return nil }
            return ScheduledPost(
                slug: post.fileSlug, path: post.path, title: post.title ?? post.fileSlug, state: state, publishAt: date)
        }.compactMap { try? $0.post.get() }.sorted { ($0.publishAt, $0.slug) < ($1.publishAt, $1.slug) }
    }

    /// Handles every post due by `now()`, oldest first: publishes it through the workflow's
    /// publishing transition (gate included) as the scheduler, or sends it back to review.
    /// `catchingUp` marks the first pass after a start: then `missed: hold` holds overdue posts.
    public func handleDue(_ posts: [ScheduledPost], now: () -> Date, catchingUp: Bool) async -> [SchedulerEvent] {
        var events: [SchedulerEvent] = []
        for post in posts where post.publishAt <= now() {
            if let event = await handle(post, now: now, catchingUp: catchingUp) { events.append(event) }
        }
        return events
    }

    private func handle(_ post: ScheduledPost, now: () -> Date, catchingUp: Bool) async -> SchedulerEvent? {
        let workflow: Workflow
        let current: Post
        do {
            current = try repository.post(post.slug)
            workflow = try repository.workflow(for: current)
        } catch RepositoryError.unknownSlug {
            return nil  // removed since the scan: nothing to publish
        } catch {
            let place = (error as? PressError)?.location.map { "\($0): " } ?? ""
            return SchedulerEvent(
                kind: .failed, slug: post.slug, scheduledFor: post.publishAt,
                lateness: now().timeIntervalSince(post.publishAt),
                caughtUp: false, commit: nil, reason: place + "\(error)", result: nil)
        }
        if post.expires { return await expire(post, workflow: workflow, now: now) }
        let scheduler = workflow.scheduler
        let started = now()
        let late = started.timeIntervalSince(post.publishAt)
        if catchingUp && workflow.missed == .hold && late >= 1 {
            let reason =
                "missed while the scheduler was not running (\(Scheduler.seconds(late)) late); held for an editor"
            return await hold(post, workflow: workflow, reason: reason, trailer: "missed", now: now)
        }
        guard
            let rule = workflow.transitions.first(where: {
                $0.from.contains(post.state) && workflow.folder(of: $0.to) == Workflow.publishedFolder
                    && $0.by.contains("scheduler")
            })
        else {
            return await hold(
                post, workflow: workflow,
                reason: "the workflow has no transition by which the scheduler may publish from '\(post.state)'",
                trailer: "refused", now: now)
        }
        let time = now()
        // An editor who scheduled with --skip-external skipped it for the publish too.
        let skipped =
            (try? repository.transitionHistory()).map {
                repository.skippedExternalLinks(of: current, workflow: workflow, history: $0)
            } ?? false
        let request = TransitionRequest(
            name: rule.name, slug: post.slug, actor: scheduler, now: time,
            trailers: [
                ("Press-Scheduled-For", PressTime.format(post.publishAt, zone: workflow.timeZone)),
                ("Press-Lateness", Scheduler.seconds(time.timeIntervalSince(post.publishAt))),
            ],
            skipExternal: skipped)
        do {
            let result = try await repository.transition(request, checker: checker)
            return SchedulerEvent(
                kind: .published, slug: post.slug, scheduledFor: post.publishAt,
                lateness: time.timeIntervalSince(post.publishAt),
                caughtUp: catchingUp && late >= 1, commit: result.commit, reason: nil, result: result)
        } catch let error as GateError {
            let lines = error.report.sorted.filter { $0.severity == .error }.map {
                "\($0.location): \($0.message) [\($0.rule)]"
            }
            return await hold(
                post, workflow: workflow, reason: "the publish gate failed:\n" + lines.joined(separator: "\n"),
                trailer: "gate", now: now)
        } catch {
            return await hold(
                post, workflow: workflow, reason: "publishing was refused: \(error)", trailer: "refused", now: now)
        }
    }

    /// Takes a post down at its `expire_at`, as the scheduler, through the workflow's
    /// transition out of the published folder that the scheduler may make (caught up too:
    /// a post past its time is never left out).
    private func expire(_ post: ScheduledPost, workflow: Workflow, now: () -> Date) async -> SchedulerEvent? {
        let time = now()
        let zone = workflow.timeZone
        guard
            let rule = workflow.transitions.first(where: {
                $0.from.contains(post.state) && workflow.folder(of: $0.to) != Workflow.publishedFolder
                    && $0.by.contains("scheduler")
            })
        else {
            return SchedulerEvent(
                kind: .failed, slug: post.slug, scheduledFor: post.publishAt,
                lateness: time.timeIntervalSince(post.publishAt), caughtUp: false, commit: nil,
                reason:
                    "expired, but the workflow has no transition by which the scheduler may take a post down from '\(post.state)'",
                result: nil)
        }
        var request = TransitionRequest(
            name: rule.name, slug: post.slug, actor: workflow.scheduler,
            comment: "expired at \(PressTime.format(post.publishAt, zone: zone))", now: time,
            trailers: [
                ("Press-Expired-At", PressTime.format(post.publishAt, zone: zone)),
                ("Press-Lateness", Scheduler.seconds(time.timeIntervalSince(post.publishAt))),
            ])
        request.skipExternal = true
        do {
            let result = try await repository.transition(request, checker: checker)
            return SchedulerEvent(
                kind: .unpublished, slug: post.slug, scheduledFor: post.publishAt,
                lateness: time.timeIntervalSince(post.publishAt), caughtUp: time.timeIntervalSince(post.publishAt) >= 1,
                commit: result.commit, reason: nil, result: result)
        } catch {
            return SchedulerEvent(
                kind: .failed, slug: post.slug, scheduledFor: post.publishAt,
                lateness: time.timeIntervalSince(post.publishAt), caughtUp: false, commit: nil,
                reason: "taking it down at its expire_at was refused: \(error)", result: nil)
        }
    }

    /// Sends a post back through the workflow's transition out of its scheduled state (to a
    /// state outside published/), as the scheduler, with the reason as the comment.
    private func hold(_ post: ScheduledPost, workflow: Workflow, reason: String, trailer: String, now: () -> Date)
        async -> SchedulerEvent?
    {
        guard
            let rule = workflow.transitions.first(where: {
                $0.from.contains(post.state) && $0.to != post.state
                    && workflow.folder(of: $0.to) != Workflow.publishedFolder
            })
        else { return nil }
        let time = now()
        var request = TransitionRequest(
            name: rule.name, slug: post.slug, actor: workflow.scheduler, comment: reason, now: time,
            trailers: [
                ("Press-Held", trailer),
                ("Press-Scheduled-For", PressTime.format(post.publishAt, zone: workflow.timeZone)),
            ])
        request.asSystem = true
        let ready = request
        let repository = self.repository
        let result = try? await blocking { try repository.perform(ready) }
        return SchedulerEvent(
            kind: .held, slug: post.slug, scheduledFor: post.publishAt,
            lateness: time.timeIntervalSince(post.publishAt),
            caughtUp: trailer == "missed", commit: result?.commit, reason: reason, result: result)
    }

    static func seconds(_ interval: TimeInterval) -> String {
        String(format: "%.3fs", interval)
    }
}
