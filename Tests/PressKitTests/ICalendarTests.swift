import Foundation
import Testing

@testable import PressKit

/// The calendar feed's lines hold whatever a title holds: every separator escaped, every line
/// break written as `\n`, every line within 75 octets, by Unicode scalar.
@Suite struct ICalendarTests {
    @Test func aTitleCannotBreakALineOfTheFeed() {
        let marks = String(repeating: "\u{301}", count: 60)
        let title = "One,\u{301} two;\\ three\r\nfour\n\u{301}five\rsix\u{7}seven\tend a\(marks)"
        let entry = CalendarEntry(
            slug: "s", title: title, state: "scheduled", path: "drafts/s.md", time: Date(timeIntervalSince1970: 0),
            published: false)
        let feed = ICalendar.feed([entry], name: "press", now: Date(timeIntervalSince1970: 0))
        #expect(feed.hasSuffix("\r\n"))
        let lines = feed.dropLast(2).components(separatedBy: "\r\n")
        for line in lines {
            #expect(!line.unicodeScalars.contains { $0 == "\r" || $0 == "\n" }, "\(line.debugDescription)")
            #expect(line.utf8.count <= 75, "\(line.debugDescription)")
        }
        // Unfolded: a line that starts with a space goes on the one before (by scalar: a space
        // and the combining mark after it are one character).
        var unfolded: [String] = []
        for line in lines {
            if line.unicodeScalars.first == " ", let last = unfolded.popLast() {
                unfolded.append(last + String(line.unicodeScalars.dropFirst()))
            } else {
                unfolded.append(line)
            }
        }
        let summary = unfolded.first { $0.hasPrefix("SUMMARY:") } ?? ""
        let expected =
            "SUMMARY:Scheduled: One\\,\u{301} two\\;\\\\ three\\nfour\\n\u{301}five\\nsixseven\tend a\(marks)"
        #expect(Array(summary.unicodeScalars) == Array(expected.unicodeScalars), "\(summary.debugDescription)")
    }
}
