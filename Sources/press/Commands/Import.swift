import ArgumentParser
import Foundation
import Git
import PressKit

extension Press {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Bring a blog in from WordPress, Jekyll or Hugo: its posts, in one commit.",
            subcommands: [WordPress.self, Jekyll.self, Hugo.self])

        struct Common: ParsableArguments {
            @OptionGroup var options: RepositoryOptions
            @Flag(help: "Print the plan and the report; write nothing.") var dryRun = false
            @Flag(help: "Rewrite posts already in the repository (by slug) instead of keeping them.") var update = false
            @Flag(help: "List every post and every redirect, not only the counts.") var verbose = false

            func run(_ read: (ContentRepository, TimeZone) throws -> ImportedBlog) throws {
                let repository = try options.open()
                let actor = try Person.acting(in: repository.git)
                let workflow = try repository.workflow()
                let blog = try read(repository, workflow.timeZone)
                let result = try repository.importBlog(
                    blog,
                    request: ImportRequest(
                        actor: actor, committer: try Person.committer(for: actor), now: Date(), dryRun: dryRun,
                        update: update))
                let text = ImportReport(result: result, dryRun: dryRun, verbose: verbose).text
                print(TerminalText.visible(text, keepingLineBreaks: true), terminator: "")
            }
        }

        struct WordPress: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "wordpress", abstract: "Import a WordPress export (WXR 1.1 or 1.2, Tools → Export).")
            @OptionGroup var common: Common
            @Argument(help: "The export file.", completion: .file(extensions: ["xml"])) var export: String
            @Option(
                help: "The site's wp-content/uploads folder: images and files the posts use become assets.",
                completion: .directory) var uploads: String?

            func run() throws {
                try common.run { _, zone in
                    try WordPressSource.read(export: export, uploads: uploads, zone: zone, now: Date())
                }
            }
        }

        struct Jekyll: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "jekyll", abstract: "Import a Jekyll site's _posts and _drafts.")
            @OptionGroup var common: Common
            @Argument(help: "The site's folder (with _posts/).", completion: .directory) var directory: String

            func run() throws {
                try common.run { _, zone in try JekyllSource.read(directory, zone: zone, now: Date()) }
            }
        }

        struct Hugo: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "hugo", abstract: "Import a Hugo site's posts (content/, page bundles too).")
            @OptionGroup var common: Common
            @Argument(help: "The site's folder (with content/).", completion: .directory) var directory: String
            @Option(
                help: "The section posts are in, under content/ (default: posts, post or blog, whichever is there).")
            var section: String?

            func run() throws {
                try common.run { _, zone in
                    try HugoSource.read(directory, section: section, zone: zone, now: Date())
                }
            }
        }
    }
}

/// The report `press import` prints: posts by state, what was mapped, what needs a person, the
/// redirects.
struct ImportReport {
    let result: ImportResult
    let dryRun: Bool
    let verbose: Bool

    var text: String {
        var out = ""
        func line(_ text: String = "") { out += text + "\n" }
        let verb = dryRun ? "would import" : "imported"
        let added = result.posts.filter { $0.action == .added }.count
        let updated = result.posts.filter { $0.action == .updated }.count
        let kept = result.posts.filter { $0.action == .kept || $0.action == .unchanged }.count
        var summary = "\(verb) \(added.formatted()) post\(added == 1 ? "" : "s") from \(result.source)"
        if updated > 0 { summary += ", updated \(updated.formatted())" }
        if kept > 0 {
            summary += ", \(kept.formatted()) already here (\(dryRun ? "would be " : "")kept; --update rewrites them)"
        }
        if let commit = result.commit { summary += "  [\(commit.description.prefix(7))]" }
        line(summary)
        line("  by state: " + result.byState.map { "\($0.state) \($0.count.formatted())" }.joined(separator: ", "))
        if result.assets > 0 { line("  assets: \(result.assets.formatted()) files") }
        for (what, count) in result.counts.sorted(by: { $0.key < $1.key }) {
            line("  \(what): \(count.formatted()) (not imported)")
        }
        if !result.mapped.isEmpty {
            line("mapped:")
            for text in result.mapped { line("  \(text)") }
        }
        if !result.workflowAdditions.isEmpty {
            line("workflow: \(dryRun ? "would add" : "added") to workflows/default.yml:")
            for text in result.workflowAdditions { line("  \(text)") }
        }
        if verbose {
            line("posts:")
            for post in result.posts {
                line("  \(post.origin.path) → \(post.path) (\(post.state), \(post.action.rawValue))")
            }
        }
        if !result.redirects.isEmpty {
            line(
                "redirects: \(result.redirects.count.formatted()) old URLs\(result.redirectsPath.map { dryRun ? "" : " in \($0)" } ?? "")"
            )
            for (from, to) in verbose ? result.redirects : Array(result.redirects.prefix(5)) {
                line("  \(from) → \(to)")
            }
            if !verbose, result.redirects.count > 5 { line("  … (--verbose lists them all)") }
        }
        if !result.externalFiles.isEmpty {
            line("on the old site: \(result.externalFiles.count.formatted()) files posts link to")
            for url in verbose ? result.externalFiles : Array(result.externalFiles.prefix(5)) { line("  \(url)") }
            if !verbose, result.externalFiles.count > 5 { line("  … (--verbose lists them all)") }
        }
        if !result.skipped.isEmpty {
            line("skipped: \(result.skipped.count.formatted())")
            for note in result.skipped { line("  \(note)") }
        }
        if !result.needsPerson.isEmpty {
            line("needs a person: \(result.needsPerson.count.formatted())")
            for note in result.needsPerson { line("  \(note)") }
        } else {
            line("needs a person: nothing")
        }
        return out
    }
}
