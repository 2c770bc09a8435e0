import Foundation

/// What a front matter key must look like, from the workflow's `fields:` section or press's defaults.
public struct FieldRule: Equatable, Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case string, list, datetime, email, url, person, people, approvals, any
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
        "authors": FieldRule(kind: .people),
        "created": FieldRule(kind: .datetime),
        "publish_at": FieldRule(kind: .datetime),
        "published_at": FieldRule(kind: .datetime),
        "expire_at": FieldRule(kind: .datetime),
        "categories": FieldRule(kind: .list),
        "tags": FieldRule(kind: .list),
        "approvals": FieldRule(kind: .approvals),
        "workflow": FieldRule(kind: .string),
    ]
}
