/// Link destinations in a Markdown or HTML body — after `](`, `href="`, `src="` (and their
/// single-quoted forms) — found in one pass over the bytes, and rewritten where asked.
enum LinkDestinations {
    private static let openers: [(bytes: [UInt8], closers: Set<UInt8>)] = [
        (Array("](".utf8), Set(") \n".utf8)),
        (Array("href=\"".utf8), Set("\"\n".utf8)), (Array("src=\"".utf8), Set("\"\n".utf8)),
        (Array("href='".utf8), Set("'\n".utf8)), (Array("src='".utf8), Set("'\n".utf8)),
    ]

    /// `text` with each destination `transform` gives a new value for replaced (nil keeps it).
    static func rewrite(_ text: String, _ transform: (String) -> String?) -> String {
        var out: [UInt8] = []
        let bytes = Array(text.utf8)
        out.reserveCapacity(bytes.count)
        var changed = false
        var index = 0
        var copied = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "]") || byte == UInt8(ascii: "h") || byte == UInt8(ascii: "s"),
                let opener = openers.first(where: { opener in
                    index + opener.bytes.count <= bytes.count
                        && bytes[index..<index + opener.bytes.count].elementsEqual(opener.bytes)
                })
            else {
                index += 1
                continue
            }
            let start = index + opener.bytes.count
            var end = start
            while end < bytes.count, !opener.closers.contains(bytes[end]) { end += 1 }
            let destination = String(decoding: bytes[start..<end], as: UTF8.self)
            if let replacement = transform(destination) {
                out += bytes[copied..<start]
                out += Array(replacement.utf8)
                copied = end
                changed = true
            }
            index = end
        }
        guard changed else { return text }
        out += bytes[copied...]
        return String(decoding: out, as: UTF8.self)
    }

    /// Every destination in `text`, in order.
    static func all(in text: String) -> [String] {
        var found: [String] = []
        _ = rewrite(text) { destination in
            found.append(destination)
            return nil
        }
        return found
    }
}
