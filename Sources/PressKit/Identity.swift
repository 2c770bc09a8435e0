import Foundation
import Git

/// Why press could not tell who is acting.
public struct IdentityError: PressError {
    public var location: SourceLocation? { nil }
    public var isConfigurationError: Bool { true }
    public var description: String {
        "press cannot tell who you are: set user.name and user.email (git config --global user.email you@example.com), or GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL"
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
        return Person(name: name, email: email)
    }

    /// The committer: `GIT_COMMITTER_NAME`/`GIT_COMMITTER_EMAIL` when set, else the author.
    public static func committer(
        for author: Person, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> Person {
        Person(
            name: nonEmpty(environment["GIT_COMMITTER_NAME"]) ?? author.name,
            email: nonEmpty(environment["GIT_COMMITTER_EMAIL"]) ?? author.email)
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return value
    }
}
