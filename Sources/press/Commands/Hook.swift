import ArgumentParser
import Foundation
import Git
import PressKit

extension Press {
    struct Hook: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Git hooks that run press.", subcommands: [Install.self, Retry.self])

        struct Install: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Install a pre-commit hook that validates the posts a commit stages.",
                discussion:
                    "An existing pre-commit hook that press did not write is left alone unless --force is given.")

            @OptionGroup var options: RepositoryOptions
            @Flag(help: "Replace a pre-commit hook that press did not write.") var force = false

            func run() throws {
                let repository = try options.open()
                let installer = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
                let fallback = FileManager.default.isExecutableFile(atPath: installer) ? installer : "press"
                let path = try repository.installPreCommitHook(fallback: fallback, replacing: force)
                print("installed \(path)")
            }
        }
    }
}
