import ArgumentParser
import Foundation
import Git
import PressKit

extension RepositoryOptions {
    /// Runs the workflow transition `name` on `slug` as the acting person, behind its gate, and
    /// prints what it did. A failing gate prints its diagnostics on stderr.
    func perform(
        _ name: String, slug: String, comment: String? = nil, at: String? = nil, skipExternal: Bool = false,
        remote: RemoteOptions
    ) async throws {
        let repository = try open()
        let sync = try remote.sync(repository)
        let actor = try Person.acting(in: repository.git)
        let checker = HTTPLinkChecker(
            cacheDirectory: repository.root + "/.press/cache", progress: ProgressLine.onTerminal())
        let result: TransitionResult
        do {
            result = try await repository.transition(
                TransitionRequest(
                    name: name, slug: ContentRepository.slug(fromArgument: slug), actor: actor,
                    committer: try Person.committer(for: actor), comment: comment, at: at,
                    now: Date(), skipExternal: skipExternal),
                checker: checker)
        } catch let error as GateError {
            error.printDiagnostics()
            throw error
        }
        let style = TerminalStyle(descriptor: 1)
        var line = "\(result.transition): \(result.slug) \(result.from) → \(style.paint(result.to, .green))"
        if let publishAt = result.publishAt { line += " at \(publishAt)" }
        print("\(line)  \(result.path)  [\(result.commit.description.prefix(7))]")
        try remote.push(result.commit, through: sync)
        await runHooks(result, in: repository)
        await deploy(after: result, in: repository, actor: actor)
    }
}

/// After a post came out or went (a transition into or out of the published folder), the site
/// built and deployed where the workflow's `deploy:` says, tried three times (1 s, then 2 s
/// apart). A failure is a warning: the transition stands, and `press build --deploy` tries again.
func deploy(after result: TransitionResult, in repository: ContentRepository, actor: Person) async {
    guard let workflow = try? repository.workflow(), !workflow.deploy.isEmpty else { return }
    let published = { (state: String) in workflow.folder(of: state) == Workflow.publishedFolder }
    guard published(result.from) != published(result.to) else { return }
    var failures: [DeployOutcome] = []
    for attempt in 0..<3 {
        if attempt > 0 { try? await Task.sleep(for: .seconds(attempt)) }
        do {
            // A retry goes only where the last try failed.
            let only = failures.contains { $0.kind == "build" } ? nil : Set(failures.map(\.kind)).nilIfEmpty
            let deployment = try await repository.buildAndDeploy(now: Date(), actor: actor, only: only)
            failures = deployment.failed
            if failures.isEmpty {
                print(DeploySummary(deployment).line)
                return
            }
        } catch {
            failures = [DeployOutcome(target: "build", failure: "\(error)")]
        }
        if !failures.allSatisfy(\.retryable) { break }
    }
    for failure in failures {
        Diagnostics.standardError.warn(
            DeployFailure(
                message:
                    "deploy to \(failure.target) failed: \(failure.failure ?? ""); the \(result.transition) stands — try again with 'press build --deploy'"
            ))
    }
}

extension Set {
    var nilIfEmpty: Set? { isEmpty ? nil : self }
}

/// A deploy that failed after the transition was made.
struct DeployFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// A deploy in one line: the build, then where the site went (the targets that failed are
/// warnings of their own).
struct DeploySummary {
    let deployment: Deployment

    init(_ deployment: Deployment) { self.deployment = deployment }

    var line: String {
        let targets = deployment.outcomes.filter { $0.failure == nil }.map(\.target).joined(separator: ", ")
        return BuildSummary(deployment.build).line + (targets.isEmpty ? "" : "; deployed to \(targets)")
    }
}

/// One attempt at each hook, reported at once: the person at the terminal does not wait for
/// retries. Hooks that failed are retried by a detached `press hook retry` (three more tries with
/// backoff), whose outcomes go to `.press/hooks.log`.
func runHooks(_ result: TransitionResult, in repository: ContentRepository) async {
    let outcomes = await HookRunner(retries: 0).run(result, in: repository)
    let failed = outcomes.indices.filter {
        outcomes[$0].failure != nil && outcomes[$0].attempts > 0 && outcomes[$0].retryable
    }
    let retried = !failed.isEmpty && HookRetry.start(result, hooks: failed, in: repository.root)
    for (index, outcome) in outcomes.enumerated() where outcome.failure != nil {
        Diagnostics.standardError.warn(HookFailure(outcome: outcome, retrying: retried && failed.contains(index)))
    }
}

extension GateError {
    /// The gate's findings on stderr, one diagnostic a line, before the refusal itself.
    func printDiagnostics() {
        let style = TerminalStyle(descriptor: 2)
        for diagnostic in report.sorted {
            FileHandle.standardError.write(Data((Report.line(diagnostic, style) + "\n").utf8))
        }
    }
}

/// A hook that still failed after its retries: reported, never undoing the transition.
struct HookFailure: PressError {
    var outcome: HookOutcome
    var retrying = false
    var location: SourceLocation? { nil }
    var isConfigurationError: Bool { false }
    var description: String {
        let tries = outcome.attempts == 1 ? "" : " after \(outcome.attempts) attempts"
        let later = retrying ? "; retrying in the background (see .press/hooks.log)" : ""
        return outcome.attempts == 0
            ? "hook \(outcome.hook) \(outcome.failure ?? "")"
            : "hook \(outcome.hook) failed\(tries): \(outcome.failure ?? "")\(later)"
    }
}
