import Foundation

/// A post's identifier and file name, as real blogs' URLs have them: lowercase ASCII letters,
/// digits, `-`, `_` and `.` (`v22.1.0`, `weekly-update.2015-02-06`, `rust_1.0`), neither first
/// nor last, and no `..`. `press new` makes slugs of letters, digits and single hyphens only.
public struct Slug: Hashable, Sendable, CustomStringConvertible {
    public let value: String

    /// The longest slug: its file name, with '.md' and a temporary suffix, stays far below the
    /// 255 bytes file systems allow.
    public static let maxLength = 200
    /// Slugs made from titles are cut to this length, at a hyphen.
    public static let maxLengthFromTitle = 80

    /// Accepts a slug as typed; nil when it is not of the slug form.
    public init?(_ value: String) {
        guard Slug.isValid(value) else { return nil }
        self.value = value
    }

    /// Makes a slug from a title: apostrophes dropped, accents folded, everything else that is
    /// not a letter or digit turned into single hyphens. Nil when nothing is left.
    public init?(title: String) {
        var out = ""
        var pendingHyphen = false
        for scalar in Slug.latin(title).unicodeScalars {
            if Slug.apostrophes.contains(scalar) { continue }
            for folded in Slug.fold(scalar) {
                if folded.isASCII, folded.properties.isAlphabetic || ("0"..."9").contains(folded) {
                    if pendingHyphen && !out.isEmpty { out += "-" }
                    pendingHyphen = false
                    out.unicodeScalars.append(contentsOf: String(folded).lowercased().unicodeScalars)
                } else {
                    pendingHyphen = true
                }
            }
        }
        guard !out.isEmpty else { return nil }
        if out.count > Slug.maxLengthFromTitle {
            let cut = out.prefix(Slug.maxLengthFromTitle)
            out = String(cut.lastIndex(of: "-").map { cut[..<$0] } ?? cut)
        }
        self.value = out
    }

    public var description: String { value }

    /// Why a typed slug is not one, or nil when it is.
    public static func problem(with value: String) -> String? {
        if isValid(value) { return nil }
        if value.isEmpty { return "a slug cannot be empty" }
        if value.count > maxLength { return "a slug is at most \(maxLength) characters; this one has \(value.count)" }
        if value.contains("/") || value.contains("..") { return "a slug cannot contain '/' or '..'" }
        if value.contains(where: \.isWhitespace) { return "a slug cannot contain spaces" }
        if value.contains(where: \.isUppercase) { return "a slug must be lowercase" }
        if !isValid(value) {
            return
                "a slug is lowercase ASCII letters, digits, '-', '_' and '.', not starting or ending with '-', '_' or '.', without '--'"
        }
        return nil
    }

    private static func isValid(_ value: String) -> Bool {
        let punctuation: Set<Unicode.Scalar> = ["-", "_", "."]
        guard let first = value.unicodeScalars.first, let last = value.unicodeScalars.last,
            value.utf8.count <= maxLength, !punctuation.contains(first), !punctuation.contains(last),
            !value.utf8.elementsContain([0x2D, 0x2D]), !value.utf8.elementsContain([0x2E, 0x2E])
        else { return false }
        return value.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || punctuation.contains($0)
        }
    }

    private static let apostrophes: Set<Unicode.Scalar> = [
        "'", "\u{2019}", "\u{2018}", "\u{02BC}", "\u{0060}", "\u{00B4}", "\u{02B9}", "\u{02BA}",
    ]

    /// A title in another script, in Latin letters (ICU's transliterations: Russian by the
    /// BGN/PCGN system, "Новости дня" → "Novosti dnya"; the rest by ICU's general one); a title
    /// that is Latin already is left as it is.
    static func latin(_ title: String) -> String {
        let foreign = title.unicodeScalars.contains { scalar in
            scalar.properties.isAlphabetic && !scalar.isASCII
                && !fold(scalar).allSatisfy { $0.isASCII || !$0.properties.isAlphabetic }
        }
        guard foreign else { return title }
        let russian = title.applyingTransform(StringTransform("Russian-Latin/BGN"), reverse: false) ?? title
        return russian.applyingTransform(.toLatin, reverse: false) ?? russian
    }

    /// Letters that do not decompose into a base letter and an accent.
    private static let special: [Unicode.Scalar: String] = [
        "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L",
        "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH", "ı": "i",
    ]

    private static func fold(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        if let replacement = special[scalar] { return Array(replacement.unicodeScalars) }
        let decomposed = String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars
        return decomposed.filter { $0.properties.generalCategory != .nonspacingMark }
    }
}

extension Sequence where Element == UInt8 {
    /// Whether `run` occurs in the bytes (a short needle: a naive scan).
    func elementsContain(_ run: [UInt8]) -> Bool {
        let bytes = Array(self)
        guard bytes.count >= run.count else { return false }
        return (0...(bytes.count - run.count)).contains { bytes[$0..<($0 + run.count)].elementsEqual(run) }
    }
}
