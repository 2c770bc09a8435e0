import Foundation
import PressKit
import TestSupport
import Testing

/// The scheduler's timing on a test clock: nothing before its time, then published with the
/// lateness the clock says.
@Suite struct SchedulerClockTests {
    /// `hello` submitted, approved and scheduled for 2027-02-01 09:00 UTC.
    func scheduledFixture(workflow: String = testWorkflow) throws -> Fixture {
        let fixture = try Fixture(workflow: workflow)
        try fixture.perform("submit", adaPerson)
        try fixture.perform("approve", ritaPerson)
        try fixture.perform("schedule", eddiePerson, at: "2027-02-01T09:00:00+00:00")
        return fixture
    }

    @Test func nothingIsPublishedBeforeItsTimeAndLatenessIsMeasuredOnTheClock() async throws {
        let fixture = try scheduledFixture()
        let scheduler = Scheduler(repository: fixture.repository, checker: nil)
        let due = try scheduler.scheduled()
        #expect(due.map(\.slug) == ["hello"])
        let time = try #require(due.first?.publishAt)

        let early = await scheduler.handleDue(due, now: { time.addingTimeInterval(-0.001) }, catchingUp: false)
        #expect(early.isEmpty)
        #expect(try fixture.post().status == "scheduled")

        let events = await scheduler.handleDue(due, now: { time.addingTimeInterval(0.25) }, catchingUp: false)
        #expect(events.map(\.kind) == [.published])
        #expect(events.first?.lateness == 0.25)
        #expect(events.first?.caughtUp == false)
        #expect(try fixture.post().status == "published")
        #expect(try scheduler.scheduled().isEmpty)
    }

    @Test func aHeldPostLeavesTheScheduleWithItsReason() async throws {
        let fixture = try scheduledFixture(workflow: testWorkflow + "missed: hold\n")
        let scheduler = Scheduler(repository: fixture.repository, checker: nil)
        let due = try scheduler.scheduled()
        let time = try #require(due.first?.publishAt)
        let events = await scheduler.handleDue(due, now: { time.addingTimeInterval(3600) }, catchingUp: true)
        #expect(events.map(\.kind) == [.held])
        #expect(events.first?.reason?.contains("3600.000s late") == true)
        #expect(try fixture.post().status == "review")
        #expect(try fixture.post().publishAt == nil)
    }

    @Test func aPostThatCannotBeReadAtItsTimeIsReportedAndLeftAlone() async throws {
        let fixture = try scheduledFixture()
        let scheduler = Scheduler(repository: fixture.repository, checker: nil)
        let due = try scheduler.scheduled()
        let time = try #require(due.first?.publishAt)
        try fixture.directory.write("drafts/hello.md", "---\ntitle: [unclosed\n---\n")
        let head = try fixture.head()

        let events = await scheduler.handleDue(due, now: { time.addingTimeInterval(1) }, catchingUp: false)
        #expect(events.map(\.kind) == [.failed])
        #expect(events.first?.reason?.contains("drafts/hello.md") == true)
        #expect(try fixture.head() == head)
        #expect(fixture.directory.read("drafts/hello.md") == "---\ntitle: [unclosed\n---\n")
    }
}
