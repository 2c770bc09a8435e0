import ArgumentParser
import Foundation
import Git
import PressKit

extension Press {
    struct Hook: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hook",
            abstract: "Git hooks that run press.", subcommands: [Install.self, Retry.self])

        struct Install: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "install",
                abstract: "Install a pre-commit hook that validates the posts a commit stages.",
                discussion: """
                    With --server, in the shared repository (bare or not): a pre-receive hook that refuses \
                    a push whose commits break the workflow (press verify). An existing hook that press did \
                    not write is left alone unless --force is given.
                    """)

            @OptionGroup var options: RepositoryOptions
            @Flag(help: "Install the server's pre-receive hook that verifies pushes.") var server = false
            @Flag(help: "Replace a hook that press did not write.") var force = false

            func run() throws {
                let installer = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
                let fallback = FileManager.default.isExecutableFile(atPath: installer) ? installer : "press"
                let path: String
                if server {
                    let git = try Repository.openHistory(at: options.repo ?? FileManager.default.currentDirectoryPath)
                    path = try ContentRepository(git: git).installServerHook(fallback: fallback, replacing: force)
                } else {
                    path = try options.open().installPreCommitHook(fallback: fallback, replacing: force)
                }
                print("installed \(path)")
            }
        }
    }
}
