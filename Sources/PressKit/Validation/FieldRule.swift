import Foundation

/// What a front matter key must look like, from the workflow's `fields:` section or press's defaults.
public struct FieldRule: Equatable, Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case string, list, datetime, email, url, person, approvals
    }

    public var kind: Kind
    /// Allowed values (for a list, allowed items); empty allows any.
    public var values: [String] = []
    /// The longest a string (or each item of a list) may be, in characters.
    public var maxLength: Int?

    public init(kind: Kind, values: [String] = [], maxLength: Int? = nil) {
        self.kind = kind
        self.values = values
        self.maxLength = maxLength
    }

    /// The rules for the keys press owns; a workflow's `fields:` adds keys and overrides these.
    public static let defaults: [String: FieldRule] = [
        "title": FieldRule(kind: .string, maxLength: 120),
        "slug": FieldRule(kind: .string),
        "status": FieldRule(kind: .string),
        "summary": FieldRule(kind: .string, maxLength: 300),
        "author": FieldRule(kind: .person),
        "created": FieldRule(kind: .datetime),
        "publish_at": FieldRule(kind: .datetime),
        "published_at": FieldRule(kind: .datetime),
        "categories": FieldRule(kind: .list),
        "tags": FieldRule(kind: .list),
        "approvals": FieldRule(kind: .approvals),
        "workflow": FieldRule(kind: .string),
    ]
}

/// How external links are checked, from the workflow's `links:` section.
public struct LinkPolicy: Equatable, Sendable {
    /// Seconds to wait for one request.
    public var timeout: Double = 10
    public var concurrency: Int = 64
    public var perHost: Int = 4
    /// Seconds a success stays in `.press/cache/`.
    public var cacheTTL: Double = 86_400
    public var retries: Int = 3
    /// Regular expressions; a URL matching any is not checked.
    public var exclude: [String] = []
    /// Status codes that count as success besides 2xx.
    public var accept: Set<Int> = []
    /// Whether loopback and private addresses may be requested (`links.private: allow|deny`);
    /// link-local addresses (cloud metadata) never are.
    public var privateAddresses: AddressRule = .allow

    public enum AddressRule: String, Sendable {
        case allow, deny
    }

    public init() {}
}
