import Yams

/// A front matter value as press reads it: text, a list, or a mapping. Every scalar is text;
/// press decides what it means (a time, an email) where it uses it.
public indirect enum YAMLNode: Equatable, Sendable {
    /// A scalar and whether it was written plain (unquoted), which tells `~` from `"~"`.
    case scalar(String, plain: Bool)
    case sequence([YAMLNode])
    case mapping([Pair])

    public struct Pair: Equatable, Sendable {
        public var key: String
        public var value: YAMLNode
    }

    public var string: String? {
        if case .scalar(let text, _) = self { return text }
        return nil
    }

    public var isScalar: Bool { string != nil }

    public var items: [YAMLNode]? {
        if case .sequence(let items) = self { return items }
        return nil
    }

    public var pairs: [Pair]? {
        if case .mapping(let pairs) = self { return pairs }
        return nil
    }

    public subscript(key: String) -> YAMLNode? {
        pairs?.first { $0.key == key }?.value
    }

    /// Whether this is YAML's null: an empty or `~`/`null` plain scalar.
    public var isNull: Bool {
        if case .scalar(let text, true) = self { return ["", "~", "null", "Null", "NULL"].contains(text) }
        return false
    }

    /// Converts a Yams node (composed with the basic resolver).
    init(_ node: Node) {
        switch node {
        case .scalar(let scalar):
            self = .scalar(scalar.string, plain: scalar.style == .plain || scalar.style == .any)
        case .sequence(let sequence):
            self = .sequence(sequence.map(YAMLNode.init))
        case .mapping(let mapping):
            self = .mapping(mapping.map { Pair(key: $0.key.string ?? "", value: YAMLNode($0.value)) })
        default:
            self = .scalar(node.string ?? "", plain: true)
        }
    }
}
