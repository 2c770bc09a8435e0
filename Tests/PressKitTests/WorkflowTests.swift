import Foundation
import PressKit
import TestSupport
import Testing

@Suite struct WorkflowTests {
    func load(_ text: String) throws -> Workflow {
        try Workflow(bytes: Array(text.utf8), path: "workflows/default.yml")
    }

    @Test func theIssuesWorkflowLoads() throws {
        let workflow = try load(testWorkflow)
        #expect(workflow.states == ["draft", "review", "scheduled", "published"])
        #expect(workflow.transition(named: "approve")?.recordsApproval == true)
        #expect(workflow.transition(named: "schedule")?.at == .required)
        #expect(workflow.transition(named: "request-changes")?.clears.contains("approvals") == true)
        #expect(workflow.transition(named: "unschedule")?.clears.contains("publish_at") == true)
        #expect(workflow.folder(of: "published") == "published")
        #expect(workflow.folder(of: "scheduled") == "drafts")
        #expect(workflow.timeZone.identifier == "Europe/London")
    }

    @Test func anUnknownStateInATransitionIsNamedWithItsLine() {
        let text = testWorkflow.replacingOccurrences(of: "to: scheduled", with: "to: sheduled")
        #expect {
            try load(text)
        } throws: { error in
            guard case WorkflowError.unknownState(let location, "sheduled") = error else { return false }
            return location.line == 10 && location.column > 30
        }
    }

    @Test func anUnknownTopLevelKeyIsRefused() {
        let text = testWorkflow + "colour: blue\n"
        #expect {
            try load(text)
        } throws: { error in
            guard case WorkflowError.unknownKey(let location, let key, _) = error else { return false }
            return key == "colour"
                && location.line == testWorkflow.split(separator: "\n", omittingEmptySubsequences: false).count
        }
    }

    @Test func anUnknownTransitionKeyIsRefused() {
        let text = testWorkflow.replacingOccurrences(of: "not_author: true", with: "not_autor: true")
        #expect {
            try load(text)
        } throws: { error in
            guard case WorkflowError.unknownKey(let location, "not_autor", _) = error else { return false }
            return location.line == 8
        }
    }

    @Test func badYAMLIsRefusedWithItsLine() {
        let text = testWorkflow.replacingOccurrences(of: "states: [draft,", with: "states: [draft")
            .replacingOccurrences(of: "published]", with: "published")
        #expect {
            try load(text)
        } throws: { error in
            guard case WorkflowError.malformedYAML(let location, _) = error else { return false }
            return location.line >= 5
        }
    }

    @Test func anUnknownRoleIsRefused() {
        let text = testWorkflow.replacingOccurrences(
            of: "to: review, by: [editor] }", with: "to: review, by: [editr] }")
        #expect {
            try load(text)
        } throws: { error in
            guard case WorkflowError.unknownRole(let location, "editr") = error else { return false }
            return location.line == 11 && location.column > 40
        }
    }

    @Test func anUnknownTimeZoneIsRefused() {
        let text = testWorkflow.replacingOccurrences(of: "Europe/London", with: "Europe/Lundon")
        #expect(
            throws: WorkflowError.unknownTimeZone(
                SourceLocation(path: "workflows/default.yml", line: 1, column: 11), name: "Europe/Lundon")
        ) {
            try load(text)
        }
    }
}
