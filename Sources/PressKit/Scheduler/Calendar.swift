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

    /// A TEXT value (RFC 5545 3.3.11): a backslash, `;` and `,` escaped with a backslash, a line
    /// break (LF, CRLF or CR) as `\n`, any other control character but tab left out. One
    /// Unicode scalar at a time: a search by character missed a `,` or a line break followed by a
    /// combining mark, and a title could break a line of the feed.
    static func escape(_ text: String) -> String {
        var out = ""
        var afterCR = false
        for scalar in text.unicodeScalars {
            defer { afterCR = scalar == "\r" }
            switch scalar {
            case "\\", ";", ",":
                out.unicodeScalars.append("\\")
                out.unicodeScalars.append(scalar)
            case "\r": out += "\\n"
            case "\n": if !afterCR { out += "\\n" }
            case "\t": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Lines longer than 75 octets are folded: CRLF and a space, never inside a UTF-8 sequence.
    /// Between scalars, not characters: one character (a letter and its combining marks) can be
    /// longer than a line.
    static func fold(_ line: String) -> String {
        var out = ""
        var width = 0
        for scalar in line.unicodeScalars {
            let size = UTF8.width(scalar)
            if width + size > 75 {
                out += "\r\n "
                width = 1
            }
            out.unicodeScalars.append(scalar)
            width += size
        }
        return out
    }
}
