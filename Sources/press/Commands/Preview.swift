import ArgumentParser
import Foundation
import PressKit

extension Press {
    struct Preview: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "preview",
            abstract: "Serve the site with drafts and posts in review, and the editorial board at /_press/.",
            discussion: """
                The site is built in memory and again whenever a post, template, asset or the \
                workflow changes; open pages reload by themselves. Each post carries a banner \
                with its state, authors, approvals and what comes next. Stop with Ctrl-C.
                """)

        @OptionGroup var options: RepositoryOptions
        @Argument(help: "A post to open (its preview address is printed).") var slug: String?
        @Option(help: "The port (default 4000; 0: any free one).") var port = 4000
        @Option(help: "The address to listen on; anything but loopback shows drafts to the network.")
        var host = "127.0.0.1"
        @Option(help: "The site as readers will see it at TIME (no drafts).") var at: String?

        func validate() throws {
            guard (0...65535).contains(port) else {
                throw ValidationError("'--port \(port)': a port is 0 to 65535 (0: any free one)")
            }
        }

        func run() async throws {
            let repository = try options.open()
            let workflow = try repository.workflow()
            let moment = try at.map { try PressTime.parse($0, zone: workflow.timeZone) }
            Diagnostics.standardError.warnUncommittedWorkflows(in: repository)
            let site = PreviewSite(repository: repository, at: moment)
            site.refresh()
            let server = try await PreviewServer(site: site, host: host, port: port)
            var address = server.address
            if let slug {
                let name = ContentRepository.slug(fromArgument: slug)
                guard let path = site.path(of: name) else {
                    throw ValidationError("no post '\(name)' in the preview")
                }
                address += String(path.dropFirst())
            }
            say("preview at \(address) — the editorial board at \(server.address)_press/ (Ctrl-C to stop)")
            // Looked at twice a second: a change shows within about half a second.
            while !Task.isCancelled {
                try await Task.sleep(for: .milliseconds(500))
                if site.refresh() { say("rebuilt at \(PressTime.format(Date(), zone: workflow.timeZone))") }
            }
        }
    }
}

/// A line on standard output at once (a pipe's buffer would hold it until the server stops).
private func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
