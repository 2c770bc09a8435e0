import ArgumentParser
import Foundation
import Git
import PressKit

extension Press {
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check that every commit followed the workflow: transitions, edits and workflow changes.",
            discussion: """
                RANGE is what git's log takes: a commit (its whole history, default HEAD), OLD..NEW (what \
                NEW adds to OLD, as a server hook receives it), or ..NEW. Each commit is checked against \
                the workflow as it stood in its parent. Works in a bare repository too. Exit 0 when every \
                commit followed the rules, 1 with violations, 2 for usage or configuration errors.
                """)

        @Option(
            name: .long,
            help: ArgumentHelp(
                "The repository, bare or not (default: found from the current directory or git's GIT_DIR).",
                valueName: "DIR"))
        var repo: String?
        @Argument(help: "The commits to check (default: all of HEAD's history).") var range: String?
        @Option(help: "text, json or github (GitHub Actions annotations).") var format: Press.Validate.Format = .text
        @Flag(help: "Every commit must be signed by a key its author has under the workflow's keys:.")
        var requireSignatures = false

        func run() async throws {
            if let repo {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: repo, isDirectory: &isDirectory), isDirectory.boolValue
                else {
                    throw ValidationError("'--repo \(repo)': no such folder")
                }
            }
            let repository: ContentRepository
            do {
                repository = ContentRepository(git: try Repository.openHistory(at: repo))
            } catch GitError.notARepository {
                throw RepositoryError.notARepository(path: repo ?? FileManager.default.currentDirectoryPath)
            }
            let (base, tip) = try resolve(range ?? "HEAD", in: repository.git)
            let report = try repository.verify(from: base, to: tip, requireSignatures: requireSignatures)
            try VerifyOutput(report: report).print(format)
            if !report.unanswered.isEmpty { throw ExitCode(1) }
        }

        /// `OLD..NEW`, `..NEW`, `OLD..` or one commit, as commits.
        func resolve(_ range: String, in git: Repository) throws -> (ObjectID?, ObjectID) {
            func commit(_ revision: String) throws -> ObjectID {
                guard let id = try git.resolve(revision) else {
                    throw ValidationError("'\(revision)' names no commit in \(git.workdir)")
                }
                return id
            }
            guard let dots = range.range(of: "..") else { return (nil, try commit(range)) }
            let old = String(range[..<dots.lowerBound])
            let new = String(range[dots.upperBound...])
            return (try commit(old.isEmpty ? "HEAD" : old), try commit(new.isEmpty ? "HEAD" : new))
        }
    }
}

/// A verify report in one of the output formats.
struct VerifyOutput {
    let report: VerifyReport

    var summary: String {
        let count = report.violations.count
        let reverted = count - report.unanswered.count
        return
            "\(report.checked) commit\(report.checked == 1 ? "" : "s") checked, \(count) violation\(count == 1 ? "" : "s")"
            + (reverted > 0 ? " (\(reverted) reverted by an admin)" : "")
    }

    func print(_ format: Press.Validate.Format) throws {
        switch format {
        case .json:
            struct Item: Encodable {
                var commit: String, subject: String, author: String, path: String, rule: String, message: String
                var revertedBy: String?
                enum CodingKeys: String, CodingKey {
                    case commit, subject, author, path, rule, message
                    case revertedBy = "reverted_by"
                }
            }
            struct Body: Encodable {
                var violations: [Item]
                var checked: Int
            }
            try printJSON(
                Body(
                    violations: report.violations.map {
                        Item(
                            commit: $0.commit.description, subject: $0.subject, author: $0.author, path: $0.path,
                            rule: $0.rule, message: $0.message, revertedBy: $0.revertedBy?.description)
                    }, checked: report.checked))
        case .github:
            for violation in report.violations {
                let level = violation.revertedBy == nil ? "error" : "warning"
                let message = WorkflowCommand.message(
                    "commit \(violation.commit.description.prefix(7)) (\(violation.subject)) by \(violation.author): \(violation.message)"
                )
                let file = WorkflowCommand.property(violation.path)
                Swift.print("::\(level) file=\(file),title=press verify: \(violation.rule)::\(message)")
            }
            Swift.print(summary)
        case .text:
            let style = TerminalStyle(descriptor: 1)
            var previous: ObjectID?
            for violation in report.violations {
                // A commit's subject, author and files are whoever made it wrote them.
                let (subject, author) = (
                    TerminalText.visible(violation.subject), TerminalText.visible(violation.author)
                )
                let (path, message) = (TerminalText.visible(violation.path), TerminalText.visible(violation.message))
                if previous != violation.commit {
                    let short = violation.commit.description.prefix(7)
                    Swift.print(style.paint("commit \(short)", .yellow) + " \(subject)  (\(author))")
                    previous = violation.commit
                }
                if let revert = violation.revertedBy {
                    let label = style.paint("warning:", .yellow)
                    Swift.print(
                        "  \(path): \(label) \(message) [\(violation.rule)] (reverted by an admin in \(revert.description.prefix(7)))"
                    )
                } else {
                    let label = style.paint("error:", .red)
                    Swift.print("  \(path): \(label) \(message) [\(violation.rule)]")
                }
            }
            Swift.print(summary)
        }
    }
}
