import Foundation
import Git

/// What one round of the scheduler with a remote did.
public struct SchedulerRound: Sendable {
    /// What was published or held, on the remote now.
    public var events: [SchedulerEvent] = []
    /// Commits the fetches brought in.
    public var fetched = 0
    /// Why pushes were refused before one went through (each refusal was redone).
    public var rejectedPushes: [String] = []
}

extension Scheduler {
    /// Fetches and integrates the remote, handles every post due by `now()` on the new tip,
    /// and pushes. A refused push means someone pushed first: this round's commits are taken
    /// back and the round is redone on the remote's new tip, where a post another scheduler
    /// already published is no longer scheduled and is left alone. So each post is published
    /// once, by whichever scheduler's push lands first.
    ///
    /// - Throws: `SyncError` when the remote cannot be reached or keeps refusing; this round's
    ///   commits are then taken back too, so that nothing is published that is not on the remote.
    ///
    /// - Parameter known: the caller's last scan of the scheduled posts, used while the fetch
    ///   brings nothing new (HEAD does not move), so a quiet fetch reads no post.
    public func publishDue(
        now: () -> Date, catchingUp: Bool, through sync: RemoteSync, known: [ScheduledPost]? = nil, attempts: Int = 5
    ) async throws -> SchedulerRound {
        var round = SchedulerRound()
        var lastReason = ""
        var known = known
        for _ in 0..<attempts {
            let before = try repository.git.headCommitID()
            round.fetched += try await blocking { try sync.pull() }.fetched
            let start = try repository.git.headCommitID()
            if start != before { known = nil }
            let events = await handleDue(try known ?? scheduled(), now: now, catchingUp: catchingUp)
            let tip = try repository.git.headCommitID()
            let outcome: PushOutcome
            do {
                outcome = try await blocking { try sync.push() }
            } catch {
                if let start, let tip, start != tip { try await blocking { try sync.discard(to: start, from: tip) } }
                throw error
            }
            switch outcome {
            case .upToDate, .pushed:
                round.events = events
                return round
            case .rejected(let reason):
                lastReason = reason
                round.rejectedPushes.append(reason)
                if let start, let tip, start != tip { try await blocking { try sync.discard(to: start, from: tip) } }
                known = nil
            }
        }
        throw SyncError.stillRejected(remote: sync.remoteName, attempts: attempts, reason: lastReason)
    }
}
