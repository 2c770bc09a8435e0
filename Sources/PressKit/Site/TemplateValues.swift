import Foundation
import Mustache

/// The values the templates see of the site and of a post in a list, made on any thread.
struct TemplateValues: Sendable {
    let settings: SiteSettings
    let zone: TimeZone
    let dayFormat: Date.FormatStyle

    var site: TemplateObject {
        // (An empty text is true to Mustache: a key with no value is left out.)
        TemplateObject([
            "title": TemplateText(settings.title), "language": TemplateText(settings.language),
            "root": TemplateText("/"),
            "description": settings.description.isEmpty ? nil : TemplateText(settings.description),
        ])
    }

    /// A post's values, worked out once (formatting its date is most of the cost).
    func post(_ page: SitePage) -> PostValues {
        PostValues(
            title: page.post.title, path: page.path, authors: page.post.authors, categories: page.post.categories,
            summary: page.post.summary, date: page.date.map { $0.formatted(dayFormat) },
            datetime: page.date.map { PressTime.format($0, zone: zone) })
    }
}

/// A text as the templates see it: itself (escaped in `{{value}}`), true in a section, with the
/// string transforms (`{{uppercased(title)}}`), and no keys of its own — a name inside its
/// section is looked up in the values around it, as for a string. swift-mustache renders a
/// `String` only after several failed casts and looks names up in it by reflection (a `Mirror`
/// made each time); this it renders at the first cast, and answers a lookup at once.
struct TemplateText: MustacheCustomRenderable, MustacheParent, MustacheTransformable, Sendable {
    let renderText: String
    var isNull: Bool { false }

    init(_ text: String) { renderText = text }

    func child(named: String) -> Any? { nil }
    func transform(_ name: String) -> Any? { renderText.transform(name) }
}

/// Values a template looks up by name, made once and used on any thread (the site's: one for
/// the whole build); a key whose value is nil is left out.
struct TemplateObject: MustacheParent, Sendable {
    private let fields: [String: any Sendable]

    init(_ fields: [String: (any Sendable)?]) { self.fields = fields.compactMapValues { $0 } }

    func child(named name: String) -> Any? { fields[name] }
}

/// What the templates see of a post: as `post` on its page, and as an entry of `posts` in a list.
struct PostValues: Sendable {
    var title: String
    var path: String
    var authors: [String]
    var categories: [String]
    var summary: String
    var date: String?
    var datetime: String?

    private static let names = ["title", "path", "authors", "categories", "summary", "date", "datetime"]

    /// The values by name, and `extra` (a key with no value is left out: an empty text is true
    /// to Mustache).
    func object(adding extra: [String: (any Sendable)?]) -> TemplateObject {
        var fields = extra
        for name in PostValues.names { fields[name] = value(named: name) }
        return TemplateObject(fields)
    }
}

extension PostValues: MustacheParent {
    /// A value looked up by name: an entry of a list is the post's values themselves, with no
    /// dictionary made for each of the 37,000 entries of a 10,000-post site's lists.
    func child(named name: String) -> Any? { value(named: name) }

    func value(named name: String) -> (any Sendable)? {
        switch name {
        case "title": TemplateText(title)
        case "path": TemplateText(path)
        case "authors":
            authors.enumerated().map { TemplateObject(["name": TemplateText($1), "last": $0 == authors.count - 1]) }
        case "categories": categories.map(TemplateText.init)
        case "summary": summary.isEmpty ? nil : TemplateText(summary)
        case "date": datetime == nil ? nil : date.map(TemplateText.init)
        case "datetime": date == nil ? nil : datetime.map(TemplateText.init)
        default: nil
        }
    }
}

/// An entry of `posts` in a list: the post's values, and as `_item` the HTML its `item`
/// template made.
struct ListEntry: MustacheParent, Sendable {
    let values: PostValues
    let item: TemplateText

    func child(named name: String) -> Any? { name == "_item" ? item : values.child(named: name) }
}
