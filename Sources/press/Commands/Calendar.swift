import ArgumentParser
import Foundation
import PressKit

extension Press {
    struct CalendarCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "calendar",
            abstract: "Scheduled and recently published posts in time order, or an iCalendar feed (--ics).")

        @OptionGroup var options: RepositoryOptions
        @Option(help: "From this day (YYYY-MM-DD; default: a week ago).") var from: String?
        @Option(help: "To this day (YYYY-MM-DD; default: a year ahead).") var to: String?
        @Option(
            help: ArgumentHelp(
                "Write an iCalendar (RFC 5545) feed to FILE instead (- for standard output).", valueName: "FILE"))
        var ics: String?
        @Flag(help: "Print a JSON array.") var json = false

        func run() throws {
            let repository = try options.open()
            let zone = try repository.workflow().timeZone
            let start =
                try from.map { try CalendarCommand.day($0, option: "--from", at: "00:00", zone: zone) }
                ?? Date().addingTimeInterval(-7 * 86_400)
            let end =
                try to.map { try CalendarCommand.day($0, option: "--to", at: "23:59", zone: zone) }
                ?? Date().addingTimeInterval(365 * 86_400)
            let entries = try repository.calendar(from: start, to: end)
            if let ics {
                let feed = ICalendar.feed(
                    entries, name: "press: \((repository.root as NSString).lastPathComponent)", now: Date())
                if ics == "-" { return print(feed, terminator: "") }
                try WriteFailure.write(Array(feed.utf8), to: ics)
                print("wrote \(entries.count) event\(entries.count == 1 ? "" : "s") to \(ics)")
                return
            }
            if json { return try printJSON(entries) }
            guard !entries.isEmpty else {
                return print(
                    "no post scheduled or published from \(PressTime.format(start, zone: zone)) to \(PressTime.format(end, zone: zone))"
                )
            }
            let rows = entries.map {
                [PressTime.format($0.time, zone: zone), $0.published ? "published" : $0.state, $0.slug, $0.title]
            }
            print(
                Table(header: ["WHEN", "STATE", "SLUG", "TITLE"], rows: rows).render(
                    TerminalStyle(descriptor: 1), maxWidths: [3: 50]), terminator: "")
        }

        /// A day as `--from` and `--to` take it (YYYY-MM-DD), at a time of that day in `zone`;
        /// anything else is a usage error quoting what was typed.
        static func day(_ typed: String, option: String, at time: String, zone: TimeZone) throws -> Date {
            let parts = typed.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
                parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
                let date = try? PressTime.parse("\(typed) \(time)", zone: zone)
            else {
                throw ValidationError("'\(option) \(typed)': not a day; \(option) takes YYYY-MM-DD, such as 2026-12-01")
            }
            return date
        }
    }
}
