import CLibGit2
import Foundation

/// Who made a commit and when.
public struct Signature: Equatable, Sendable {
    public var name: String
    public var email: String
    public var time: Date
    /// Offset from UTC in minutes.
    public var offsetMinutes: Int

    public init(name: String, email: String, time: Date, offsetMinutes: Int = 0) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes
    }

    init(_ raw: UnsafePointer<git_signature>) {
        name = String(cString: raw.pointee.name)
        email = String(cString: raw.pointee.email)
        time = Date(timeIntervalSince1970: TimeInterval(raw.pointee.when.time))
        offsetMinutes = Int(raw.pointee.when.offset)
    }

    /// The signature as a commit header holds it: `Name <email> SECONDS +HHMM`.
    var header: String {
        let sign = offsetMinutes < 0 ? "-" : "+"
        let minutes = abs(offsetMinutes)
        let offset = sign + String(format: "%02d%02d", minutes / 60, minutes % 60)
        return "\(name) <\(email)> \(Int64(time.timeIntervalSince1970.rounded(.down))) \(offset)"
    }

    /// Makes a libgit2 signature, hands it to `body`, and frees it.
    func withRaw<T>(_ body: (UnsafePointer<git_signature>) throws -> T) throws -> T {
        var raw: UnsafeMutablePointer<git_signature>?
        try check(
            "git_signature_new",
            git_signature_new(
                &raw, name, email, git_time_t(time.timeIntervalSince1970.rounded(.down)), Int32(offsetMinutes)))
        guard let raw else { throw lastError("git_signature_new", code: -1) }
        defer { git_signature_free(raw) }
        return try body(raw)
    }
}
