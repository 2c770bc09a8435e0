/// A parsed `Pattern`, before it is compiled to instructions.
indirect enum PatternNode {
    case test(ScalarTest)
    case start, end
    case sequence([PatternNode])
    case choice([PatternNode])
    /// `minimum` copies, then up to `maximum - minimum` optional ones (nil: any number).
    case repeated(PatternNode, minimum: Int, maximum: Int?)

    func compile(into program: inout [Instruction]) throws {
        guard program.count < Pattern.maxProgram else {
            throw Pattern.SyntaxError(message: "the pattern is too large once its repetitions are counted out")
        }
        switch self {
        case .test(let test): program.append(.scalar(test))
        case .start: program.append(.start)
        case .end: program.append(.end)
        case .sequence(let items): for item in items { try item.compile(into: &program) }
        case .choice(let options):
            // split → option 1, jump end; split → option 2, jump end; … last option.
            var jumps: [Int] = []
            for (index, option) in options.enumerated() {
                if index < options.count - 1 {
                    let split = program.count
                    program.append(.split(split + 1, -1))
                    try option.compile(into: &program)
                    jumps.append(program.count)
                    program.append(.jump(-1))
                    program[split] = .split(split + 1, program.count)
                } else {
                    try option.compile(into: &program)
                }
            }
            for jump in jumps { program[jump] = .jump(program.count) }
        case .repeated(let node, let minimum, let maximum):
            for _ in 0..<minimum { try node.compile(into: &program) }
            if let maximum {
                // Each optional copy may be skipped straight to the end.
                var splits: [Int] = []
                for _ in minimum..<maximum {
                    splits.append(program.count)
                    program.append(.split(program.count + 1, -1))
                    try node.compile(into: &program)
                }
                for split in splits { program[split] = .split(split + 1, program.count) }
            } else {
                let loop = program.count
                program.append(.split(loop + 1, -1))
                try node.compile(into: &program)
                program.append(.jump(loop))
                program[loop] = .split(loop + 1, program.count)
            }
        }
    }
}

/// Reads the pattern syntax `Pattern` documents, refusing what needs backtracking.
struct PatternParser {
    private let scalars: [Unicode.Scalar]
    private var index = 0

    init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

    private var peek: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    private func fail(_ message: String) -> Pattern.SyntaxError {
        Pattern.SyntaxError(message: "\(message) (at character \(index + 1))")
    }

    private mutating func take(_ text: String) -> Bool {
        let wanted = Array(text.unicodeScalars)
        guard index + wanted.count <= scalars.count, Array(scalars[index..<index + wanted.count]) == wanted else {
            return false
        }
        index += wanted.count
        return true
    }

    mutating func takeCaseInsensitiveFlag() -> Bool { take("(?i)") }

    mutating func parseAll() throws -> PatternNode {
        let node = try parseChoice()
        if index < scalars.count { throw fail("an unmatched ')'") }
        return node
    }

    private mutating func parseChoice() throws -> PatternNode {
        var options = [try parseSequence()]
        while take("|") { options.append(try parseSequence()) }
        return options.count == 1 ? options[0] : .choice(options)
    }

    private mutating func parseSequence() throws -> PatternNode {
        var items: [PatternNode] = []
        while let scalar = peek, scalar != "|", scalar != ")" {
            var atom = try parseAtom()
            while let (minimum, maximum) = try parseQuantifier() {
                if take("+") { throw fail("possessive quantifiers need backtracking, which press does not do") }
                _ = take("?")  // lazy: the same texts match
                atom = .repeated(atom, minimum: minimum, maximum: maximum)
            }
            items.append(atom)
        }
        return .sequence(items)
    }

    private mutating func parseQuantifier() throws -> (Int, Int?)? {
        if take("*") { return (0, nil) }
        if take("+") { return (1, nil) }
        if take("?") { return (0, 1) }
        guard peek == "{" else { return nil }
        let saved = index
        index += 1
        let low = number()
        var high: Int?? = .some(low)
        if take(",") { high = .some(number()) }
        guard take("}"), let minimum = low, case .some(let maximum) = high else {
            index = saved  // not a counted repetition: a literal '{'
            return nil
        }
        guard minimum <= 1000, (maximum ?? 0) <= 1000 else { throw fail("a repetition count above 1000") }
        if let maximum, maximum < minimum {
            throw fail("a repetition {\(minimum),\(maximum)} whose maximum is below its minimum")
        }
        return (minimum, maximum)
    }

    private mutating func number() -> Int? {
        var value: Int?
        while let scalar = peek, let digit = Int(String(scalar)), scalar.isASCII {
            value = min((value ?? 0) * 10 + digit, 100_000)
            index += 1
        }
        return value
    }

    private mutating func parseAtom() throws -> PatternNode {
        guard let scalar = peek else { throw fail("a pattern that ends too soon") }
        index += 1
        switch scalar {
        case "(":
            if take("?") {
                if take(":") {
                } else if take("<"), let name = peek, name != "=", name != "!" {
                    while let next = peek, next != ">" { index += 1 }
                    guard take(">") else { throw fail("a group name without '>'") }
                } else {
                    throw fail("look-around and inline options need backtracking, which press does not do")
                }
            }
            let inner = try parseChoice()
            guard take(")") else { throw fail("a '(' without its ')'") }
            return inner
        case "*", "+", "?": throw fail("'\(scalar)' with nothing to repeat")
        case ".": return .test(.notNewline)
        case "^": return .start
        case "$": return .end
        case "[": return .test(try parseClass())
        case "\\": return .test(try parseEscape(inClass: false))
        default: return .test(ScalarTest(ranges: [scalar.value...scalar.value], negated: false))
        }
    }

    private mutating func parseEscape(inClass: Bool) throws -> ScalarTest {
        guard let scalar = peek else { throw fail("a pattern that ends with '\\'") }
        index += 1
        switch scalar {
        case "d": return .digit
        case "D": return ScalarTest(ranges: ScalarTest.digit.ranges, negated: true)
        case "w": return .word
        case "W": return ScalarTest(ranges: ScalarTest.word.ranges, negated: true)
        case "s": return .space
        case "S": return ScalarTest(ranges: ScalarTest.space.ranges, negated: true)
        case "t": return ScalarTest(ranges: [9...9], negated: false)
        case "n": return ScalarTest(ranges: [10...10], negated: false)
        case "r": return ScalarTest(ranges: [13...13], negated: false)
        case "1"..."9": throw fail("back-references need backtracking, which press does not do")
        case "b", "B", "A", "z", "Z", "G", "k", "p", "P", "x", "u", "Q", "E":
            throw fail("'\\\(scalar)' is not supported in link exclusions")
        default:
            guard !scalar.properties.isAlphabetic || !scalar.isASCII else {
                throw fail("an unknown escape '\\\(scalar)'")
            }
            return ScalarTest(ranges: [scalar.value...scalar.value], negated: false)
        }
    }

    private mutating func parseClass() throws -> ScalarTest {
        let negated = take("^")
        var ranges: [ClosedRange<UInt32>] = []
        var first = true
        while let scalar = peek, scalar != "]" || first {
            first = false
            index += 1
            var low: UInt32
            if scalar == "\\" {
                let escaped = try parseEscape(inClass: true)
                guard !escaped.negated, escaped.ranges.count == 1, let only = escaped.ranges.first, only.count == 1
                else {
                    // \d, \w, \s inside a class; their negations cannot be mixed in.
                    guard !escaped.negated else { throw fail("a negated class escape inside '[…]'") }
                    ranges += escaped.ranges
                    continue
                }
                low = only.lowerBound
            } else {
                low = scalar.value
            }
            if peek == "-", index + 1 < scalars.count, scalars[index + 1] != "]" {
                index += 1
                guard let end = peek else { break }
                index += 1
                var high = end.value
                if end == "\\" {
                    let escaped = try parseEscape(inClass: true)
                    guard let only = escaped.ranges.first, escaped.ranges.count == 1, only.count == 1 else {
                        throw fail("a range that ends in a class")
                    }
                    high = only.lowerBound
                }
                guard low <= high else { throw fail("a range whose end comes before its start") }
                ranges.append(low...high)
            } else {
                ranges.append(low...low)
            }
        }
        guard take("]") else { throw fail("a '[' without its ']'") }
        return ScalarTest(ranges: ranges, negated: negated)
    }
}
