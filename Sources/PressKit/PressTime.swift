import Foundation

/// Why a typed time was refused.
public enum TimeError: PressError, Equatable {
    case unparseable(String)
    case nonexistent(String, zone: String)
    case ambiguous(String, zone: String)
    case inPast(String, now: String)

    public var location: SourceLocation? { nil }
    /// A time in the past is a refusal; a time that cannot be read is a usage error.
    public var isConfigurationError: Bool {
        if case .inPast = self { return false }
        return true
    }

    public var description: String {
        switch self {
        case .unparseable(let text):
            return "cannot read the time '\(text)': use ISO 8601 with an offset (2026-12-01T09:00:00+01:00) or 'YYYY-MM-DD HH:MM' in the workflow's zone"
        case .nonexistent(let text, let zone):
            return "'\(text)' does not exist in \(zone): the clocks skip that hour (daylight saving time starts)"
        case .ambiguous(let text, let zone):
            return "'\(text)' happens twice in \(zone) (daylight saving time ends); give an offset to say which"
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
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let fields = Fields(trimmed) else { throw TimeError.unparseable(text) }
        var components = DateComponents()
        components.year = fields.year
        components.month = fields.month
        components.day = fields.day
        components.hour = fields.hour
        components.minute = fields.minute
        components.second = fields.second
        guard let naive = utcCalendar.date(from: components),
            utcCalendar.dateComponents([.year, .month, .day, .hour, .minute], from: naive)
                == DateComponents(year: fields.year, month: fields.month, day: fields.day, hour: fields.hour, minute: fields.minute)
        else { throw TimeError.unparseable(text) }
        if let offset = fields.offsetSeconds { return naive.addingTimeInterval(TimeInterval(-offset)) }

        let day: TimeInterval = 86_400
        let offsets = Set([-day, 0, day].map { zone.secondsFromGMT(for: naive.addingTimeInterval($0)) })
        let valid = Set(offsets.map { naive.addingTimeInterval(TimeInterval(-$0)) }.filter { candidate in
            offsets.contains { candidate == naive.addingTimeInterval(TimeInterval(-$0)) && zone.secondsFromGMT(for: candidate) == $0 }
        })
        if valid.isEmpty { throw TimeError.nonexistent(text, zone: zone.identifier) }
        if valid.count > 1 { throw TimeError.ambiguous(text, zone: zone.identifier) }
        return valid.first ?? naive
    }

    /// Writes `date` as `2026-12-01T09:00:00+01:00`, with the offset `zone` has at that instant.
    public static func format(_ date: Date, zone: TimeZone) -> String {
        let offset = zone.secondsFromGMT(for: date)
        let local = utcCalendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date.addingTimeInterval(TimeInterval(offset)))
        let sign = offset < 0 ? "-" : "+"
        let minutes = abs(offset) / 60
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d%@%02d:%02d", local.year ?? 0, local.month ?? 0, local.day ?? 0,
            local.hour ?? 0, local.minute ?? 0, local.second ?? 0, sign, minutes / 60, minutes % 60)
    }

    static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar
    }()

    /// The numbers of `YYYY-MM-DD[T ]HH:MM[:SS[.fff]][Z|±HH:MM|±HHMM]`.
    private struct Fields {
        var year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0
        var offsetSeconds: Int?

        init?(_ text: String) {
            var rest = Substring(text)
            func number(_ digits: Int) -> Int? {
                let prefix = rest.prefix(digits)
                guard prefix.count == digits, prefix.allSatisfy(\.isASCII), let value = Int(prefix), prefix.allSatisfy(\.isNumber) else { return nil }
                rest = rest.dropFirst(digits)
                return value
            }
            func take(_ character: Character) -> Bool {
                guard rest.first == character else { return false }
                rest = rest.dropFirst()
                return true
            }
            guard let year = number(4), take("-"), let month = number(2), take("-"), let day = number(2) else { return nil }
            guard take("T") || take(" ") || take("t") else { return nil }
            guard let hour = number(2), take(":"), let minute = number(2) else { return nil }
            (self.year, self.month, self.day, self.hour, self.minute) = (year, month, day, hour, minute)
            if take(":") {
                guard let second = number(2) else { return nil }
                self.second = second
                if take(".") || take(",") {
                    while let first = rest.first, first.isASCII, first.isNumber { rest = rest.dropFirst() }
                }
            }
            if rest.isEmpty { return }
            if take("Z") || take("z") {
                offsetSeconds = 0
            } else if let sign = rest.first, sign == "+" || sign == "-" {
                rest = rest.dropFirst()
                guard let hours = number(2) else { return nil }
                _ = take(":")
                guard let minutes = number(2), hours < 24, minutes < 60 else { return nil }
                offsetSeconds = (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
            }
            guard rest.isEmpty, hour < 24, minute < 60, second < 60 else { return nil }
        }
    }
}
