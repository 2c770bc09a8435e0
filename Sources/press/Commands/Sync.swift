import ArgumentParser
import Foundation
import PressKit

extension Press {
    struct Sync: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sync",
            abstract: "Fetch from the remote, bring in its commits (fast-forward or rebase yours), push.",
            discussion: """
                Local commits are rebuilt on top of the remote's; one that changed a file the remote \
                also changed is refused (press does not merge posts) and nothing changes. Never a \
                force push: a refused push is retried after another fetch.
                """)

        @OptionGroup var options: RepositoryOptions
        @Option(help: "The remote (default: the branch's upstream, or origin).") var remote: String?

        func run() throws {
            let repository = try options.open()
            let sync = try RemoteSync(repository: repository, remote: remote)
            print(Self.describe(try sync.sync(), remote: sync.remoteName))
        }

        static func describe(_ summary: SyncSummary, remote: String) -> String {
            var lines: [String] = []
            if summary.fetched > 0 { lines.append("fetched \(count(summary.fetched, "commit")) from \(remote)") }
            switch summary.integration {
            case .fastForwarded: lines.append("fast-forwarded to \(remote)")
            case .rebased(let commits): lines.append("rebased \(count(commits, "local commit")) onto \(remote)")
            case .upToDate, .ahead: break
            }
            if summary.rejectedPushes > 0 {
                lines.append("\(count(summary.rejectedPushes, "push")) refused (someone pushed first); fetched again")
            }
            if summary.pushed > 0 { lines.append("pushed \(count(summary.pushed, "commit")) to \(remote)") }
            return lines.isEmpty ? "up to date with \(remote)" : lines.joined(separator: "\n")
        }

        private static func count(_ number: Int, _ noun: String) -> String {
            "\(number) \(noun)\(number == 1 ? "" : (noun.hasSuffix("sh") ? "es" : "s"))"
        }
    }
}
