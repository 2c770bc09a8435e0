import ArgumentParser
import Foundation
import Git
import Logging
import PressKit
import ServiceLifecycle
import UnixSignals

extension Press {
    struct SchedulerCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "scheduler",
            abstract: "Publish scheduled posts on time: a long-running service, or --once for cron.",
            discussion: """
                On start every overdue post is handled at once (the workflow's 'missed: publish' or \
                'missed: hold'); then it sleeps until the next publish time. One scheduler per working \
                tree: a second one exits 2 naming the first. SIGTERM and SIGINT finish the publish in \
                progress, then exit 0.
                """)

        @OptionGroup var options: RepositoryOptions
        @Flag(help: "Publish what is due now, then exit.") var once = false
        @Option(name: .customLong("log-format"), help: "text or json, one line per event on stderr.")
        var logFormat: String = "text"
        @Option(
            help: ArgumentHelp(
                "Sync through this git remote: fetch before each publish, push after; a refused push is redone on the new tip.",
                valueName: "NAME"))
        var remote: String?
        @Option(
            name: .customLong("fetch-every"),
            help: ArgumentHelp(
                "With --remote: also fetch this often, to see posts scheduled elsewhere.", valueName: "SECONDS"))
        var fetchEvery: Double = 10

        func validate() throws {
            guard LogLineHandler.Format(rawValue: logFormat) != nil else {
                throw ValidationError("'--log-format' is text or json")
            }
            guard fetchEvery >= 1 else { throw ValidationError("'--fetch-every' is at least 1 second") }
        }

        func run() async throws {
            let repository = try options.open()
            _ = try repository.workflow()
            let lockPath = repository.git.gitDirectory + "/press/scheduler.lock"
            guard let lock = try FileLock.attempt(path: lockPath) else {
                let holder = FileLock.holder(of: lockPath).map { "process \($0)" } ?? "another process"
                throw SchedulerLocked(holder: holder, lock: lockPath)
            }
            defer { withExtendedLifetime(lock) {} }
            let format = LogLineHandler.Format(rawValue: logFormat) ?? .text
            let logger = Logger(label: "press.scheduler") { _ in LogLineHandler(format: format) }
            let sync = try remote.map { try RemoteSync(repository: repository, remote: $0) }
            let service = SchedulerService(
                repository: repository, sync: sync, fetchInterval: fetchEvery, logger: logger)
            if once {
                let events = try await service.round(catchingUp: true)
                await service.hooks.finish()
                logger.info("done", metadata: ["handled": "\(events.count)"])
                return
            }
            let group = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)],
                    gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        }
    }
}

/// A second scheduler on one working tree: a configuration error (exit 2) naming the first.
struct SchedulerLocked: PressError {
    var holder: String
    var lock: String
    var location: SourceLocation? { nil }
    var isConfigurationError: Bool { true }
    var description: String { "another scheduler (\(holder)) is running here; \(lock) is its lock" }
}
