import Foundation

/// One post on the editorial calendar.
public struct CalendarEntry: Codable, Equatable, Sendable {
    public var slug: String
    public var title: String
    public var state: String
    public var path: String
    /// When it is scheduled for, or was published.
    public var time: Date
    public var published: Bool
}

extension ContentRepository {
    /// Scheduled and published posts with a time in `from...to`, in time order.
    public func calendar(from: Date, to: Date) throws -> [CalendarEntry] {
        let workflow = try workflow()
        return readAll { post -> CalendarEntry? in
            let published = post.folder == Workflow.publishedFolder
            guard let text = published ? post.publishedAt : post.publishAt,
                let time = try? PressTime.parse(text, zone: workflow.timeZone), time >= from, time <= to
            else { return nil }
            return CalendarEntry(
                slug: post.fileSlug, title: post.title ?? post.fileSlug, state: post.status ?? "", path: post.path,
                time: time, published: published)
        }.compactMap { try? $0.post.get() }.sorted { ($0.time, $0.slug) < ($1.time, $1.slug) }
    }
}

/// An iCalendar (RFC 5545) feed of calendar entries: one event per post with a stable UID.
public enum ICalendar {
    public static func feed(_ entries: [CalendarEntry], name: String, now: Date) -> String {
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//press//editorial calendar//EN", "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH", "X-WR-CALNAME:\(escape(name))",
        ]
        for entry in entries {
            lines += [
                "BEGIN:VEVENT",
                "UID:\(entry.slug)@press",
                "DTSTAMP:\(utc(now))",
                "DTSTART:\(utc(entry.time))",
                "DTEND:\(utc(entry.time.addingTimeInterval(15 * 60)))",
                "SUMMARY:\(escape((entry.published ? "Published: " : "Scheduled: ") + entry.title))",
                "DESCRIPTION:\(escape("\(entry.slug) (\(entry.state)), \(entry.path)"))",
                "STATUS:\(entry.published ? "CONFIRMED" : "TENTATIVE")",
                "END:VEVENT",
            ]
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    static func utc(_ date: Date) -> String {
        let text = PressTime.format(date, zone: TimeZone(identifier: "UTC") ?? .current)
        return String(text.prefix(19)).replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
            + "Z"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ";", with: "\\;")
            .replacingOccurrences(of: ",", with: "\\,").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Lines longer than 75 octets are folded: CRLF and a space, never inside a UTF-8 sequence.
    static func fold(_ line: String) -> String {
        var out = ""
        var width = 0
        for character in line {
            let size = String(character).utf8.count
            if width + size > 75 {
                out += "\r\n "
                width = 1
            }
            out.append(character)
            width += size
        }
        return out
    }
}
