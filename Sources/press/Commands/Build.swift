import ArgumentParser
import Foundation
import PressKit

extension Press {
    struct Build: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "build",
            abstract: "Render the site: a page per post, the front page, an Atom feed and a sitemap.",
            discussion: """
                After the first build only what changed is made again (.press/build/manifest says \
                what each file was made from). Validation errors in posts going out are warnings; \
                with --strict they refuse the build (exit 1) and nothing is written.
                """)

        @OptionGroup var options: RepositoryOptions
        @Option(
            help: "The folder to write, replaced whole: new, empty or built before (default: site/ in the repository).")
        var out: String?
        @Option(help: "The site as it will be at TIME: posts scheduled by then are in it.") var at: String?
        @Flag(help: "Drafts and posts in review too (a preview, never for readers).") var drafts = false
        @Flag(help: "Refuse to build when a post going out has validation errors.") var strict = false
        @Flag(help: "Make every page again, whatever changed.") var full = false
        @Flag(name: .shortAndLong, help: "List the files written and removed.") var verbose = false
        @Flag(help: "Then put the site where the workflow's deploy: says (a folder, a branch, a command).")
        var deploy = false

        func validate() throws {
            if deploy && (out != nil || at != nil || drafts) {
                throw ValidationError("'--deploy' deploys the site as readers see it now: no --out, --at or --drafts")
            }
        }

        func run() async throws {
            let repository = try options.open()
            // (It keeps the manifest of a build, 10,000 posts' records: freed on its own thread.)
            defer { Leftovers.free(repository) }
            let workflow = try repository.workflow()
            let moment = try at.map { try PressTime.parse($0, zone: workflow.timeZone) }
            let output =
                out.map { ($0 as NSString).isAbsolutePath ? $0 : FileManager.default.currentDirectoryPath + "/" + $0 }
                ?? repository.root + "/site"
            Diagnostics.standardError.warnUncommittedWorkflows(in: repository)
            if deploy {
                guard !workflow.deploy.isEmpty else {
                    throw ValidationError("the workflow has no deploy: section (folder:, branch: or run:)")
                }
                let deployment = try await repository.buildAndDeploy(
                    now: Date(), actor: try? Person.acting(in: repository.git), strict: strict)
                try report(deployment.build)
                for outcome in deployment.outcomes {
                    if let failure = outcome.failure {
                        Diagnostics.standardError.warn(
                            DeployFailure(message: "deploy to \(outcome.target) failed: \(failure)"))
                    }
                }
                print(DeploySummary(deployment).line)
                if !deployment.failed.isEmpty { throw ExitCode(1) }
                return
            }
            let result = try await repository.buildSite(
                BuildRequest(output: output, at: moment, drafts: drafts, strict: strict, full: full, now: Date()))
            try report(result)
            if verbose {
                for path in result.written { print("wrote \(TerminalText.visible(path))") }
                for path in result.removed { print("removed \(TerminalText.visible(path))") }
            }
            print(BuildSummary(result).line)
        }

        /// The validation errors of the posts that went out, as warnings; with `--strict` they
        /// are errors and the build wrote nothing (exit 1).
        private func report(_ result: BuildResult) throws {
            let style = TerminalStyle(descriptor: 2)
            for var diagnostic in result.warnings {
                if !result.refused { diagnostic.severity = .warning }
                FileHandle.standardError.write(Data((Report.line(diagnostic, style) + "\n").utf8))
            }
            guard result.refused else { return }
            let count = result.warnings.count
            FileHandle.standardError.write(
                Data(
                    "press: \(style.paint("error:", .red)) \(count) validation error\(count == 1 ? "" : "s") in posts going out: nothing was written (--strict)\n"
                        .utf8))
            throw ExitCode(1)
        }
    }
}

/// A build in one line: what was built, and what this build wrote.
struct BuildSummary {
    let result: BuildResult

    init(_ result: BuildResult) { self.result = result }

    var line: String {
        let posts = "\(result.posts.formatted()) post\(result.posts == 1 ? "" : "s")"
        guard result.incremental else {
            return "built \(posts): \(result.files.formatted()) files in \(result.output)"
        }
        return
            "built \(posts): \(result.written.count.formatted()) of \(result.files.formatted()) files written, \(result.removed.count.formatted()) removed, in \(result.output)"
    }
}
