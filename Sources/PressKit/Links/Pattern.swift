/// A regular expression matched in time linear in the text (a Thompson NFA run in lock step),
/// for the workflow's `links.exclude`: a pattern like `(a+)+$` cannot stall a run the way a
/// backtracking engine can.
///
/// It takes the common syntax: literals and escapes, `.`, classes (`[a-z]`, `[^/]`, `\d \w \s`
/// and their negations), groups (`(…)`, `(?:…)`, `(?<name>…)`), alternation, `* + ? {n} {n,}
/// {n,m}` (lazy forms too: they match the same texts), anchors `^ $`, and `(?i)` at the start.
/// Features that need backtracking (back-references, look-around, possessive quantifiers) are
/// refused with a reason. A pattern matches when it matches anywhere in the text.
public struct Pattern: Sendable {
    public let source: String
    private let program: [Instruction]
    private let caseInsensitive: Bool

    public struct SyntaxError: Error, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// The most instructions a pattern may compile to (counted repetitions are copied out).
    static let maxProgram = 20_000

    public init(_ source: String) throws {
        self.source = source
        var parser = PatternParser(Array(source.unicodeScalars))
        caseInsensitive = parser.takeCaseInsensitiveFlag()
        let tree = try parser.parseAll()
        var program: [Instruction] = []
        try tree.compile(into: &program)
        program.append(.match)
        self.program = program
    }

    /// Whether the pattern matches somewhere in `text`.
    public func matches(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        let accepting = program.count - 1
        var current = ThreadList(capacity: program.count)
        var next = ThreadList(capacity: program.count)
        for position in 0...scalars.count {
            // A new thread at every position: the match may start anywhere.
            add(0, at: position, of: scalars, to: &current)
            if current.contains(accepting) { return true }
            guard position < scalars.count else { break }
            let scalar = scalars[position]
            for pc in current.items {
                guard case .scalar(let test) = program[pc], accepts(test, scalar) else { continue }
                add(pc + 1, at: position + 1, of: scalars, to: &next)
            }
            swap(&current, &next)
            next.clear()
        }
        return false
    }

    private func accepts(_ test: ScalarTest, _ scalar: Unicode.Scalar) -> Bool {
        if test.accepts(scalar) { return true }
        guard caseInsensitive else { return false }
        for variant in [scalar.properties.lowercaseMapping, scalar.properties.uppercaseMapping] {
            let mapped = variant.unicodeScalars
            if mapped.count == 1, let first = mapped.first, first != scalar, test.accepts(first) { return true }
        }
        return false
    }

    /// Follows jumps, splits and assertions from `pc`, adding every thread that waits on a character.
    private func add(_ start: Int, at position: Int, of text: [Unicode.Scalar], to list: inout ThreadList) {
        var stack = [start]
        while let pc = stack.popLast() {
            guard list.insert(pc) else { continue }
            switch program[pc] {
            case .jump(let target): stack.append(target)
            case .split(let first, let second): stack.append(contentsOf: [second, first])
            case .start: if position == 0 { stack.append(pc + 1) }
            case .end: if position == text.count { stack.append(pc + 1) }
            case .scalar, .match: break
            }
        }
    }
}

enum Instruction: Sendable {
    case scalar(ScalarTest)
    case split(Int, Int)
    case jump(Int)
    case start, end, match
}

/// What one character must be.
struct ScalarTest: Sendable {
    var ranges: [ClosedRange<UInt32>]
    var negated: Bool

    func accepts(_ scalar: Unicode.Scalar) -> Bool {
        ranges.contains { $0.contains(scalar.value) } != negated
    }

    static let digit = ScalarTest(ranges: [48...57], negated: false)
    static let word = ScalarTest(ranges: [48...57, 65...90, 95...95, 97...122], negated: false)
    static let space = ScalarTest(ranges: [9...13, 32...32], negated: false)
    static let notNewline = ScalarTest(ranges: [10...10], negated: true)
}

/// The set of program counters alive at one step, in insertion order, with O(1) membership.
struct ThreadList {
    private(set) var items: [Int] = []
    private var marks: [Bool]

    init(capacity: Int) { marks = Array(repeating: false, count: capacity) }

    func contains(_ pc: Int) -> Bool { marks[pc] }

    @discardableResult
    mutating func insert(_ pc: Int) -> Bool {
        guard !marks[pc] else { return false }
        marks[pc] = true
        items.append(pc)
        return true
    }

    mutating func clear() {
        for pc in items { marks[pc] = false }
        items.removeAll(keepingCapacity: true)
    }
}
