import Foundation

/// Someone who writes, reviews or publishes: a name and an email, compared by email.
public struct Person: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var name: String
    public var email: String

    public init(name: String, email: String) {
        self.name = name
        self.email = email
    }

    /// Parses "Name <email>"; nil when there is no email in angle brackets.
    public init?(parsing text: String) {
        guard let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close else { return nil }
        email = String(text[text.index(after: open)..<close]).trimmingCharacters(in: .whitespaces)
        name = String(text[..<open]).trimmingCharacters(in: .whitespaces)
        guard !email.isEmpty else { return nil }
    }

    /// Whether the two are one person, by email; a person known by name alone (no email) is
    /// nobody else.
    public func isSamePerson(as other: Person) -> Bool {
        !email.isEmpty && email.lowercased() == other.email.lowercased()
    }

    public var description: String {
        email.isEmpty ? name : name.isEmpty ? "<\(email)>" : "\(name) <\(email)>"
    }

    var yaml: YAMLValue { .map([("name", .string(name)), ("email", .string(email))]) }
}
