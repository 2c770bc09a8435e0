import Foundation

/// How much validation a transition runs before it commits.
public enum GateLevel: String, Sendable {
    /// No checks (approvals, sending back to draft).
    case none
    /// Metadata, other posts, assets and anchors.
    case `internal`
    /// Everything, external links included.
    case full
}

/// A transition refused because the post failed its gate; the report says why.
public struct GateError: PressError {
    public var transition: String
    public var report: ValidationReport

    public var location: SourceLocation? { nil }
    public var isConfigurationError: Bool { false }
    public var description: String {
        "'\(transition)' refused: the post has \(report.errors) error\(report.errors == 1 ? "" : "s") (\(report.summary))"
    }
}

extension TransitionRule {
    /// The gate from the workflow's `gate:` key, or by default: `full` into a published state or
    /// a timed one (schedule), `internal` into any other state but the first, else `none`.
    public func gate(in workflow: Workflow) -> GateLevel {
        if let gateLevel { return gateLevel }
        if workflow.folder(of: to) == Workflow.publishedFolder || at != .none { return .full }
        if to == workflow.initialState || from == [to] { return .none }
        return .internal
    }
}

extension ContentRepository {
    /// Runs the transition's gate, then the transition: a failing gate refuses it with the same
    /// diagnostics `press validate` gives, and changes nothing.
    ///
    /// - Parameters:
    ///   - checker: checks external links for a `full` gate; nil, or `request.skipExternal`,
    ///     skips them (and the commit records that with a `Press-Skipped` trailer).
    /// - Throws: `GateError`, or whatever `perform(_:)` throws.
    @discardableResult
    public func transition(_ request: TransitionRequest, checker: ExternalChecking?) async throws -> TransitionResult {
        var request = request
        let post = try post(request.slug)
        let workflow = try workflow(for: post)
        guard let rule = workflow.transition(named: request.name) else {
            throw TransitionError.unknownTransition(request.name, available: workflow.transitions.map(\.name))
        }
        // A time nobody can read is a mistake on the command line: said before any rule is.
        if let at = request.at { _ = try PressTime.parse(at, zone: workflow.timeZone) }
        let level = rule.gate(in: workflow)
        if level != .none {
            let time: Date?
            if let at = request.at {
                time = try? PressTime.parse(at, zone: workflow.timeZone)
            } else {
                time = workflow.folder(of: rule.to) == Workflow.publishedFolder ? request.now : nil
            }
            let external = level == .full && !request.skipExternal && checker != nil
            // Where the post will be once it is out: published/ for a publish, and for a schedule too.
            let destination = rule.at != .none ? Workflow.publishedFolder : workflow.folder(of: rule.to)
            let report = try await Validator(repository: self).validate(
                ValidationRequest(
                    paths: [post.path], external: external, now: request.now,
                    pending: .init(slug: request.slug, state: rule.to, time: time, folder: destination)),
                checker: checker)
            if report.errors > 0 { throw GateError(transition: rule.name, report: report) }
            if level == .full && !external { request.trailers.append(("Press-Skipped", "external-links")) }
        }
        let ready = request
        return try await blocking { try self.perform(ready) }
    }
}
