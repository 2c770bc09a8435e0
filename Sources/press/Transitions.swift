import ArgumentParser
import Foundation
import PressKit

extension RepositoryOptions {
    /// Runs the workflow transition `name` on `slug` as the acting person, behind its gate, and
    /// prints what it did. A failing gate prints its diagnostics on stderr.
    func perform(
        _ name: String, slug: String, comment: String? = nil, at: String? = nil, skipExternal: Bool = false
    ) async throws {
        let repository = try open()
        let actor = try Person.acting(in: repository.git)
        let checker = HTTPLinkChecker(cacheDirectory: repository.root + "/.press/cache", progress: Progress.onTerminal())
        let result: TransitionResult
        do {
            result = try await repository.transition(
                TransitionRequest(
                    name: name, slug: slug, actor: actor, committer: Person.committer(for: actor), comment: comment, at: at,
                    now: Date(), skipExternal: skipExternal),
                checker: checker)
        } catch let error as GateError {
            let style = TerminalStyle(descriptor: 2)
            for diagnostic in error.report.sorted {
                FileHandle.standardError.write(Data((Report.line(diagnostic, style) + "\n").utf8))
            }
            throw error
        }
        let style = TerminalStyle(descriptor: 1)
        var line = "\(result.transition): \(result.slug) \(result.from) → \(style.paint(result.to, .green))"
        if let publishAt = result.publishAt { line += " at \(publishAt)" }
        print("\(line)  \(result.path)  [\(result.commit.description.prefix(7))]")
        for outcome in await HookRunner().run(result, in: repository) where outcome.failure != nil {
            Diagnostics.standardError.warn(HookFailure(outcome: outcome))
        }
    }
}

/// `--skip-external`, for transitions whose gate checks external links.
struct GateOptions: ParsableArguments {
    @Flag(help: "Skip the external-link part of the gate (recorded in the commit as Press-Skipped).")
    var skipExternal = false
}

/// A hook that still failed after its retries: reported, never undoing the transition.
struct HookFailure: PressError {
    var outcome: HookOutcome
    var location: SourceLocation? { nil }
    var isConfigurationError: Bool { false }
    var description: String { "hook \(outcome.hook) failed after \(outcome.attempts) attempts: \(outcome.failure ?? "")" }
}
