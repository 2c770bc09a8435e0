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
            help: ArgumentHelp("With --remote: also fetch this often, to see posts scheduled elsewhere.", valueName: "SECONDS"))
        var fetchEvery: Double = 10

        func validate() throws {
            guard LogLine.Format(rawValue: logFormat) != nil else { throw ValidationError("'--log-format' is text or json") }
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
            let format = LogLine.Format(rawValue: logFormat) ?? .text
            let logger = Logger(label: "press.scheduler") { _ in LogLine(format: format) }
            let sync = try remote.map { try RemoteSync(repository: repository, remote: $0) }
            let service = SchedulerService(repository: repository, sync: sync, fetchInterval: fetchEvery, logger: logger)
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

    struct CalendarCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "calendar",
            abstract: "Scheduled and recently published posts in time order, or an iCalendar feed (--ics).")

        @OptionGroup var options: RepositoryOptions
        @Option(help: "From this day (YYYY-MM-DD; default: a week ago).") var from: String?
        @Option(help: "To this day (YYYY-MM-DD; default: a year ahead).") var to: String?
        @Option(help: ArgumentHelp("Write an iCalendar (RFC 5545) feed to FILE instead.", valueName: "FILE")) var ics: String?

        func run() throws {
            let repository = try options.open()
            let zone = try repository.workflow().timeZone
            let start = try from.map { try PressTime.parse($0 + " 00:00", zone: zone) } ?? Date().addingTimeInterval(-7 * 86_400)
            let end = try to.map { try PressTime.parse($0 + " 23:59", zone: zone) } ?? Date().addingTimeInterval(365 * 86_400)
            let entries = try repository.calendar(from: start, to: end)
            if let ics {
                let feed = ICalendar.feed(entries, name: "press: \((repository.root as NSString).lastPathComponent)", now: Date())
                try WriteFailure.write(Array(feed.utf8), to: ics)
                print("wrote \(entries.count) event\(entries.count == 1 ? "" : "s") to \(ics)")
                return
            }
            let rows = entries.map { [PressTime.format($0.time, zone: zone), $0.published ? "published" : $0.state, $0.slug, $0.title] }
            print(Table(header: ["WHEN", "STATE", "SLUG", "TITLE"], rows: rows).render(TerminalStyle(descriptor: 1), maxWidths: [3: 50]), terminator: "")
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

/// A file the user named that could not be written, said in plain words (exit 2: the path is
/// theirs to fix).
struct WriteFailure: PressError {
    var path: String
    var code: Int32

    var location: SourceLocation? { nil }
    var isConfigurationError: Bool { true }
    var description: String {
        let folder = (path as NSString).deletingLastPathComponent
        let hint = code == ENOENT ? " (is there a folder \(folder.isEmpty ? "." : folder)?)" : ""
        return "cannot write \(path): \(String(cString: strerror(code)).lowercased())\(hint)"
    }

    /// Writes `bytes` to a temporary file beside `path` and renames it over `path`, so a reader
    /// never sees half a file.
    static func write(_ bytes: [UInt8], to path: String) throws {
        let temporary = path + ".\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw WriteFailure(path: path, code: errno) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress.map { $0 + written }, bytes.count - written) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                let code = errno
                close(descriptor)
                unlink(temporary)
                throw WriteFailure(path: path, code: code)
            }
            written += count
        }
        let closed = close(descriptor)
        guard closed == 0, rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw WriteFailure(path: path, code: code)
        }
    }
}
