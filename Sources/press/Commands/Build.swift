import ArgumentParser
import Foundation
import PressKit

extension Press {
    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render the site: a page per post, the front page, an Atom feed and a sitemap.")

        @OptionGroup var options: RepositoryOptions
        @Option(help: "The folder to write (default: site/ in the repository); replaced whole.") var out: String?
        @Option(help: "The site as it will be at TIME: posts scheduled by then are in it.") var at: String?
        @Flag(help: "Drafts and posts in review too (a preview, never for readers).") var drafts = false

        func run() throws {
            let repository = try options.open()
            let workflow = try repository.workflow()
            let moment = try at.map { try PressTime.parse($0, zone: workflow.timeZone) }
            let output =
                out.map { ($0 as NSString).isAbsolutePath ? $0 : FileManager.default.currentDirectoryPath + "/" + $0 }
                ?? repository.root + "/site"
            let result = try repository.buildSite(
                BuildRequest(output: output, at: moment, drafts: drafts, now: Date()))
            print(
                "built \(result.posts.formatted()) post\(result.posts == 1 ? "" : "s"): \(result.files.formatted()) files in \(result.output)"
            )
        }
    }
}
