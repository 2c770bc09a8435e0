import Foundation
import TestSupport
import Testing

/// Defects found running press on real content (issue 11), each with the test that found it.
@Suite struct RealContentDefectTests {
    @Test func theSameReviewerApprovingTwiceIsRefusedAndChangesNothing() throws {
        let repository = try CLIRepository()
        #expect(try repository.press(["submit", "hello"], as: People.ada).status == 0)
        #expect(try repository.press(["approve", "hello"], as: People.rita).status == 0)
        let before = try Snapshot(repository)
        let again = try repository.press(["approve", "hello"], as: People.rita)
        #expect(again.status == 1, "\(again)")
        #expect(again.stderr == "press: error: already approved by you (Rita Reviewer <reviewer@example.com>); 'approve' records each person's approval once\n", "\(again)")
        #expect(try Snapshot(repository) == before)
        // Sent back and resubmitted, the post may be approved again.
        #expect(try repository.press(["request-changes", "hello", "--comment", "more"], as: People.eddie).status == 0)
        #expect(try repository.press(["submit", "hello"], as: People.ada).status == 0)
        #expect(try repository.press(["approve", "hello"], as: People.rita).status == 0)
    }

    @Test func showJSONHasEveryKeyWithNullForAnAbsentOne() throws {
        let repository = try CLIRepository()
        let text = repository.directory.read("drafts/hello.md") ?? ""
        try repository.directory.write("drafts/hello.md", text.replacingOccurrences(of: "summary: A first post.\n", with: ""))
        for arguments in [["show", "hello", "--json"], ["status", "--json"]] {
            let output = try repository.press(arguments)
            #expect(output.status == 0, "\(output)")
            #expect(output.stdout.contains("\"summary\" : null"), "\(output)")
            #expect(output.stdout.contains("\"publish_at\" : null"), "\(output)")
            #expect(output.stdout.contains("\"published_at\" : null"), "\(output)")
        }
    }

    @Test func aTransitionInTheMiddleOfAMergeOrOnADetachedHeadIsRefused() throws {
        let repository = try CLIRepository()
        // A merge that stopped on a conflict.
        let main = try git(["rev-parse", "--abbrev-ref", "HEAD"], in: repository.path).stdout.trimmingCharacters(in: .newlines)
        #expect(try git(["checkout", "-qb", "side"], in: repository.path).status == 0)
        try repository.directory.write("notes.txt", "side\n")
        try repository.commitAll("side notes")
        #expect(try git(["checkout", "-q", main], in: repository.path).status == 0)
        try repository.directory.write("notes.txt", "main\n")
        try repository.commitAll("main notes")
        #expect(try git(["merge", "-q", "side"], in: repository.path, environment: People.eddie).status != 0)
        var before = try Snapshot(repository)
        let submit = try repository.press(["submit", "hello"], as: People.ada)
        #expect(submit.status == 1, "\(submit)")
        #expect(submit.stderr == "press: error: a merge is in progress in this repository; finish or abandon it first (git commit, or git merge --abort), then run press again\n", "\(submit)")
        #expect(try Snapshot(repository) == before)
        #expect(try git(["merge", "--abort"], in: repository.path).status == 0)
        // A detached HEAD.
        #expect(try git(["checkout", "-q", "--detach"], in: repository.path).status == 0)
        before = try Snapshot(repository)
        let new = try repository.press(["new", "Another"], as: People.ada)
        #expect(new.status == 1, "\(new)")
        #expect(new.stderr.contains("HEAD is detached (not on a branch)"), "\(new)")
        #expect(try Snapshot(repository) == before)
    }

    @Test func everyCategoryOutsideTheVocabularyIsReportedWithWhereTheVocabularyIsSet() throws {
        let workflow = testWorkflow + "fields:\n  categories: { type: list, values: [news, culture] }\n"
        let repository = try CLIRepository(workflow: workflow)
        let text = repository.directory.read("drafts/hello.md") ?? ""
        try repository.directory.write(
            "drafts/hello.md", text.replacingOccurrences(of: "status: draft\n", with: "status: draft\ncategories: [news, a, b, c, d, e, f]\n"))
        let validate = try repository.press(["validate"])
        #expect(validate.status == 1)
        #expect(validate.stdout.contains(
            "error: 'categories' has 'a', 'b', 'c', 'd', 'e', 'f', which are not among: news, culture (the values are set under 'fields: categories' in workflows/default.yml) [values]"), "\(validate)")
    }
}
