import Foundation
import Git

/// Why press could not tell who is acting.
public struct IdentityError: PressError {
    /// Set when a name or email was given but cannot go into a commit: which, and why.
    public var unusable: (what: String, problem: String)?

    public init(unusable: (what: String, problem: String)? = nil) {
        self.unusable = unusable
    }

    public var location: SourceLocation? { nil }
    public var isConfigurationError: Bool { true }
    public var description: String {
        if let (what, problem) = unusable {
            return "the \(what) \(problem); git refuses it in a commit, and so does press"
        }
        return
            "press cannot tell who you are: set user.name and user.email (git config --global user.email you@example.com), or GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL"
    }
}

extension Person {
    /// What makes a name or an email unfit for a commit header, or nil: a control character
    /// (a newline would add a header line) or an angle bracket (it would end the email early).
    public static func headerProblem(_ text: String) -> String? {
        if let scalar = text.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "contains the control character U+\(String(format: "%04X", scalar.value))"
        }
        if text.contains("<") || text.contains(">") { return "contains '<' or '>'" }
        return nil
    }

    /// Throws `IdentityError` when the name or email cannot go into a commit.
    public func checkForCommit(source: String) throws {
        if let problem = Person.headerProblem(name) {
            throw IdentityError(
                unusable: ("name '\(name.debugDescription.dropFirst().dropLast())' (\(source))", problem))
        }
        if let problem = Person.headerProblem(email) {
            throw IdentityError(
                unusable: ("email '\(email.debugDescription.dropFirst().dropLast())' (\(source))", problem))
        }
    }
}

extension Person {
    /// The acting person, as git finds them: `GIT_AUTHOR_NAME`/`GIT_AUTHOR_EMAIL` when set, else
    /// `user.name`/`user.email` from git config (the repository's, then global).
    /// - Throws: `IdentityError` when neither gives a name and an email.
    public static func acting(
        in repository: Repository?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> Person {
        func config(_ key: String) -> String? {
            if let repository { return try? repository.configString(key) }
            return try? Repository.globalConfigString(key)
        }
        let name = nonEmpty(environment["GIT_AUTHOR_NAME"]) ?? nonEmpty(config("user.name"))
        let email = nonEmpty(environment["GIT_AUTHOR_EMAIL"]) ?? nonEmpty(config("user.email"))
        guard let name, let email else { throw IdentityError() }
        let person = Person(name: name, email: email)
        try person.checkForCommit(
            source: environment["GIT_AUTHOR_NAME"] != nil || environment["GIT_AUTHOR_EMAIL"] != nil
                ? "GIT_AUTHOR_NAME/GIT_AUTHOR_EMAIL" : "git config user.name/user.email")
        return person
    }

    /// The committer: `GIT_COMMITTER_NAME`/`GIT_COMMITTER_EMAIL` when set, else the author.
    /// - Throws: `IdentityError` when the name or email cannot go into a commit.
    public static func committer(
        for author: Person, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> Person {
        let person = Person(
            name: nonEmpty(environment["GIT_COMMITTER_NAME"]) ?? author.name,
            email: nonEmpty(environment["GIT_COMMITTER_EMAIL"]) ?? author.email)
        try person.checkForCommit(source: "GIT_COMMITTER_NAME/GIT_COMMITTER_EMAIL")
        return person
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return value
    }
}
