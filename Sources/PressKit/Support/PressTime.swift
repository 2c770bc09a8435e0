import Foundation

/// Why a typed time was refused.
public enum TimeError: PressError, Equatable {
    case unparseable(String)
    case nonexistent(String, zone: String)
    case ambiguous(String, zone: String)
    case inPast(String, now: String)
    case outOfRange(String, stored: String)

    public var location: SourceLocation? { nil }
    /// A time in the past is a refusal; a time that cannot be read is a usage error.
    public var isConfigurationError: Bool {
        if case .inPast = self { return false }
        return true
    }

    public var description: String {
        switch self {
        case .unparseable(let text):
            return
                "cannot read the time '\(text)': use ISO 8601 with an offset (2026-12-01T09:00:00+01:00) or 'YYYY-MM-DD HH:MM' in the workflow's zone"
        case .nonexistent(let text, let zone):
            return "'\(text)' does not exist in \(zone): the clocks skip that hour (daylight saving time starts)"
        case .ambiguous(let text, let zone):
            return "'\(text)' happens twice in \(zone) (daylight saving time ends); give an offset to say which"
        case .outOfRange(let text, let stored):
            return
                "'\(text)' would be stored as '\(stored)', which press cannot read back; use a time in the years 1 to 9999"
        case .inPast(let text, let now):
            return "'\(text)' is in the past (it is now \(now)); a post can only be scheduled for a later time"
        }
    }
}

/// Reading and writing the times press stores: ISO 8601 with an offset.
public enum PressTime {
    /// Reads `text` as ISO 8601 with an offset, or as a local time without one in `zone`.
    /// - Throws: `TimeError` when it cannot be read, or names a local time that does not exist
    ///   or happens twice in `zone`.
    public static func parse(_ text: String, zone: TimeZone) throws -> Date {
        var trimmed = Substring(text).utf8[...]
        let blank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        while let first = trimmed.first, blank(first) { trimmed = trimmed.dropFirst() }
        while let last = trimmed.last, blank(last) { trimmed = trimmed.dropLast() }
        let read: Fields?? = trimmed.withContiguousStorageIfAvailable { Fields($0) }
        guard let fields = read ?? Array(trimmed).withUnsafeBufferPointer({ Fields($0) }),
            (1...12).contains(fields.month), fields.hour < 24, fields.minute < 60,
            fields.second < 60,
            (1...daysIn(month: fields.month, year: fields.year)).contains(fields.day)
        else { throw TimeError.unparseable(text) }
        let days = daysFromCivil(year: fields.year, month: fields.month, day: fields.day)
        let naive = Date(
            timeIntervalSince1970: TimeInterval(days * 86_400 + fields.hour * 3600 + fields.minute * 60 + fields.second)
        )
        if let offset = fields.offsetSeconds { return naive.addingTimeInterval(TimeInterval(-offset)) }

        let day: TimeInterval = 86_400
        let offsets = Set([-day, 0, day].map { zone.secondsFromGMT(for: naive.addingTimeInterval($0)) })
        let valid = Set(
            offsets.map { naive.addingTimeInterval(TimeInterval(-$0)) }.filter { candidate in
                offsets.contains {
                    candidate == naive.addingTimeInterval(TimeInterval(-$0))
                        && zone.secondsFromGMT(for: candidate) == $0
                }
            })
        if valid.isEmpty { throw TimeError.nonexistent(text, zone: zone.identifier) }
        if valid.count > 1 { throw TimeError.ambiguous(text, zone: zone.identifier) }
        return valid.first ?? naive
    }

    /// `date` written as `format` does, when it reads back as the same instant (years 1 to 9999).
    /// - Throws: `TimeError.outOfRange` naming `text`, what the user typed.
    public static func storable(_ date: Date, zone: TimeZone, typed text: String) throws -> String {
        let stored = format(date, zone: zone)
        let back = try? parse(stored, zone: zone)
        guard stored.utf8.count == 25, back?.timeIntervalSince1970 == date.timeIntervalSince1970.rounded(.down) else {
            throw TimeError.outOfRange(text, stored: stored)
        }
        return stored
    }

    /// Writes `date` as `2026-12-01T09:00:00+01:00`, with the offset `zone` has at that instant.
    public static func format(_ date: Date, zone: TimeZone) -> String {
        let offset = zone.secondsFromGMT(for: date)
        let local = Int(date.timeIntervalSince1970.rounded(.down)) + offset
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let seconds = local - days * 86_400
        let (year, month, day) = civilFromDays(days)
        let minutes = abs(offset) / 60
        // Digits by hand: `String(format:)` costs several microseconds, and a build formats a
        // date for each entry of every feed.
        var text = ""
        text.reserveCapacity(25)
        func digits(_ value: Int, _ count: Int) {
            let number = String(value)
            for _ in number.utf8.count..<max(count, number.utf8.count) { text.append("0") }
            text.append(number)
        }
        digits(year, 4)
        text.append("-")
        digits(month, 2)
        text.append("-")
        digits(day, 2)
        text.append("T")
        digits(seconds / 3600, 2)
        text.append(":")
        digits(seconds / 60 % 60, 2)
        text.append(":")
        digits(seconds % 60, 2)
        text.append(offset < 0 ? "-" : "+")
        digits(minutes / 60, 2)
        text.append(":")
        digits(minutes % 60, 2)
        return text
    }

    // MARK: - The civil calendar, by arithmetic (Howard Hinnant's algorithms): no Calendar, no locale.

    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shifted = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shifted + 2) / 5 + 1
        let month = shifted < 10 ? shifted + 3 : shifted - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }

    /// The numbers of `YYYY-MM-DD[T ]HH:MM[:SS[.fff]][Z|±HH:MM|±HHMM]`.
    private struct Fields {
        var year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0
        var offsetSeconds: Int?

        init?(_ text: UnsafeBufferPointer<UInt8>) {
            var index = 0
            func number(_ digits: Int) -> Int? {
                guard index + digits <= text.count else { return nil }
                var value = 0
                for _ in 0..<digits {
                    let byte = text[index]
                    guard byte >= 0x30 && byte <= 0x39 else { return nil }
                    value = value * 10 + Int(byte &- 0x30)
                    index += 1
                }
                return value
            }
            func take(_ character: Unicode.Scalar) -> Bool {
                guard index < text.count, text[index] == UInt8(ascii: character) else { return false }
                index += 1
                return true
            }
            var rest: Bool { index >= text.count }
            guard let year = number(4), take("-"), let month = number(2), take("-"), let day = number(2) else {
                return nil
            }
            guard take("T") || take(" ") || take("t") else { return nil }
            guard let hour = number(2), take(":"), let minute = number(2) else { return nil }
            (self.year, self.month, self.day, self.hour, self.minute) = (year, month, day, hour, minute)
            if take(":") {
                guard let second = number(2) else { return nil }
                self.second = second
                if take(".") || take(",") {
                    while index < text.count, text[index] >= 0x30 && text[index] <= 0x39 { index += 1 }
                }
            }
            if rest { return }
            // Jekyll's and Ruby's form puts a space before the offset: `2013-05-06 02:12:52 +0200`.
            if index + 1 < text.count, text[index] == UInt8(ascii: " "),
                text[index + 1] == UInt8(ascii: "+") || text[index + 1] == UInt8(ascii: "-")
            {
                index += 1
            }
            if take("Z") || take("z") {
                offsetSeconds = 0
            } else if index < text.count, text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-") {
                let sign = text[index]
                index += 1
                guard let hours = number(2) else { return nil }
                _ = take(":")
                guard let minutes = number(2), hours < 24, minutes < 60 else { return nil }
                offsetSeconds = (sign == UInt8(ascii: "-") ? -1 : 1) * (hours * 3600 + minutes * 60)
            }
            guard rest else { return nil }
        }
    }
}
