import Foundation

/// What a build needs of a post, kept between builds so that an unchanged file is not read
/// again: its state, dates and the values its pages and lists show. A class: a build copies the
/// records of 10,000 posts into pages and lists, and a copy is then one reference.
final class SitePost: Sendable, Equatable {
    let path: String
    /// The file's identity and last change (`FileStamp`); a record whose stamp no longer
    /// matches the file is read again.
    let stamp: UInt64
    /// The file's bytes' digest (`ContentDigest`): a file read again that is as it was (only
    /// its stamp changed: a checkout, a pull, a save without change) remakes no page.
    let content: UInt64
    let fileSlug: String
    let slug: String
    let title: String
    let state: String
    let publishedAt: Date?
    let publishAt: Date?
    let expireAt: Date?
    let summary: String
    let categories: [String]
    let tags: [String]
    /// Display names: the name, or the address of an author known by address alone.
    let authors: [String]
    /// Its path on the site as readers see it now, once a build has worked it out.
    let sitePath: String

    init(
        path: String, stamp: UInt64, content: UInt64, fileSlug: String, slug: String, title: String, state: String,
        publishedAt: Date?, publishAt: Date?, expireAt: Date?, summary: String, categories: [String], tags: [String],
        authors: [String], sitePath: String = ""
    ) {
        self.path = path
        self.stamp = stamp
        self.content = content
        self.fileSlug = fileSlug
        self.slug = slug
        self.title = title
        self.state = state
        self.publishedAt = publishedAt
        self.publishAt = publishAt
        self.expireAt = expireAt
        self.summary = summary
        self.categories = categories
        self.tags = tags
        self.authors = authors
        self.sitePath = sitePath
    }

    /// The same record with its site path worked out.
    func with(sitePath: String) -> SitePost {
        SitePost(
            path: path, stamp: stamp, content: content, fileSlug: fileSlug, slug: slug, title: title, state: state,
            publishedAt: publishedAt, publishAt: publishAt, expireAt: expireAt, summary: summary,
            categories: categories, tags: tags, authors: authors, sitePath: sitePath)
    }

    static func == (left: SitePost, right: SitePost) -> Bool {
        left === right
            || (left.path, left.stamp, left.content, left.fileSlug, left.slug, left.title)
                == (right.path, right.stamp, right.content, right.fileSlug, right.slug, right.title)
                && left.state == right.state
                && (left.publishedAt, left.publishAt, left.expireAt, left.summary, left.sitePath)
                    == (right.publishedAt, right.publishAt, right.expireAt, right.summary, right.sitePath)
                && (left.categories, left.tags, left.authors) == (right.categories, right.tags, right.authors)
    }
}

/// A file's device, inode, size and change times: any write, rename over or checkout changes it.
enum FileStamp {
    /// nil: nothing is at `path`, or it is not a regular file.
    static func of(_ path: String) -> (stamp: UInt64, modified: Int64)? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return of(info)
    }

    /// The stamp of `name` in the open folder `folder` (a lookup of one name, not a path's).
    static func of(_ name: String, in folder: Int32) -> (stamp: UInt64, modified: Int64)? {
        var info = stat()
        guard fstatat(folder, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
        return of(info)
    }

    private static func of(_ info: stat) -> (stamp: UInt64, modified: Int64)? {
        guard info.st_mode & S_IFMT == S_IFREG else { return nil }
        let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        let changed = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
        var key = InputKey()
        for number in [UInt64(info.st_dev), UInt64(info.st_ino), UInt64(info.st_size)] { key.add(number: number) }
        key.add(number: UInt64(bitPattern: modified))
        key.add(number: UInt64(bitPattern: changed))
        return (key.value, modified)
    }
}

/// A digest of a file's bytes taken eight at a time (FNV-1a, as `InputKey` is, takes one): the
/// same for the same bytes in every process. Each step is a bijection of the state for a given
/// word, so files that differ in one word always differ here.
struct ContentDigest {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ bytes: ArraySlice<UInt8>) {
        bytes.withUnsafeBytes { buffer in
            var hash = value ^ UInt64(buffer.count)
            var index = 0
            while index + 8 <= buffer.count {
                hash = (hash ^ buffer.loadUnaligned(fromByteOffset: index, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
                hash ^= hash >> 32
                index += 8
            }
            var tail: UInt64 = 0
            while index < buffer.count {
                tail = tail << 8 | UInt64(buffer[index])
                index += 1
            }
            hash = (hash ^ tail) &* 0x9E37_79B9_7F4A_7C15
            value = hash ^ (hash >> 29)
        }
    }
}

/// FNV-1a, 64 bits: the same key for the same inputs in every process (Swift's `Hasher` is
/// seeded per process), to tell whether a page's inputs changed since the last build.
struct InputKey {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ text: String) {
        var text = text
        text.withUTF8 { add($0) }
    }

    /// A number's eight bytes (no array made: a build adds one for each of 10,000 files).
    mutating func add(number: UInt64) {
        var hash = value
        var rest = number
        for _ in 0..<8 {
            hash = (hash ^ (rest & 0xFF)) &* 0x100_0000_01b3
            rest >>= 8
        }
        value = hash
    }

    /// The same as `add([number])`, without making the array (a build adds one for each page).
    mutating func add(word number: UInt64) {
        withUnsafeBytes(of: number) { add($0.assumingMemoryBound(to: UInt8.self)) }
    }

    mutating func add(_ numbers: [UInt64]) {
        numbers.withUnsafeBytes { add($0.bindMemory(to: UInt8.self)) }
    }

    mutating func add(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { add($0) }
    }

    private mutating func add(_ buffer: UnsafeBufferPointer<UInt8>) {
        var hash = value
        for byte in buffer { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        value = (hash ^ 0) &* 0x100_0000_01b3
    }

    var hex: String { String(value, radix: 16) }
}

/// What the last build of a folder was made from (`.press/build/manifest`): each post's record
/// and each output file's input key, with the posts it linked to and the files it copied.
struct SiteManifest: Sendable {
    struct Output: Sendable, Equatable {
        /// What the output was made from (`InputKey`): a number, no string made for each of 10,000.
        var key: UInt64
        var links: [String] = []
        /// The repository's files a page links to: copied ones by path, missing ones as "/PATH".
        var assets: [String] = []
    }

    static let header = "press-build 3"
    var output: String
    /// The theme, the workflow and press itself: when it changes every page is made again.
    var theme: String
    /// When the last build started (nanoseconds since 1970): a record of a file changed at or
    /// after it may have missed a second change in the same clock tick, and is not trusted.
    var started: Int64
    var records: [String: SitePost] = [:]
    var outputs: [String: Output] = [:]

    init(output: String, theme: String, started: Int64) {
        self.output = output
        self.theme = theme
        self.started = started
    }

    /// The folder the manifest in `file` describes, read from its first lines alone (nil when
    /// the file is missing, from another version, or damaged).
    static func output(ofFileAt file: String) -> String? {
        let descriptor = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var head = [UInt8](repeating: 0, count: 16_384)
        let count = head.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        let lines = head[..<count].split(separator: 0x0A, maxSplits: 2, omittingEmptySubsequences: false)
        guard lines.count == 3, String(decoding: lines[0], as: UTF8.self) == header,
            let field = lines[1].split(separator: 0x09, omittingEmptySubsequences: false).first
        else { return nil }
        return unescape(String(decoding: field, as: UTF8.self))
    }

    /// nil when the file is missing, from another version, or damaged: a full build follows.
    init?(bytes: [UInt8]) {
        // The lines' ends first, then the lines read on both cores in slices, each slice's
        // entries applied in the file's order (a journal line overrides what came before it).
        let ends = bytes.withUnsafeBufferPointer { buffer in
            var ends: [Int] = []
            ends.reserveCapacity(buffer.count / 200)
            for index in buffer.indices where buffer[index] == 0x0A { ends.append(index) }
            return ends
        }
        // (A last line without its line break is one an append left unfinished: damaged.)
        guard ends.count >= 2, ends.last == bytes.count - 1,
            String(decoding: bytes[..<ends[0]], as: UTF8.self) == SiteManifest.header,
            let head = bytes.withUnsafeBufferPointer({ buffer -> (String, String, Int64)? in
                var line = ManifestLine(buffer, from: ends[0] + 1, to: ends[1])
                guard let output = line.text(), let theme = line.text(), let started = line.number(),
                    line.atEnd
                else { return nil }
                return (output, theme, started)
            })
        else { return nil }
        (output, theme, started) = head
        let lines = Array(ends.indices.dropFirst(2))
        let size = Swift.max(256, lines.count / (ProcessInfo.processInfo.activeProcessorCount * 4) + 1)
        let slices = stride(from: 0, to: lines.count, by: size).map { lines[$0..<Swift.min($0 + size, lines.count)] }
        let read = slices.parallelMap { slice -> [ManifestEntry]? in
            bytes.withUnsafeBufferPointer { buffer in
                var entries: [ManifestEntry] = []
                entries.reserveCapacity(slice.count)
                for index in slice where ends[index] > ends[index - 1] + 1 {
                    var line = ManifestLine(buffer, from: ends[index - 1] + 1, to: ends[index])
                    guard let entry = line.entry() else { return nil }
                    entries.append(entry)
                }
                return entries
            }
        }
        records.reserveCapacity(lines.count / 2)
        outputs.reserveCapacity(lines.count / 2)
        for entries in read {
            guard let entries else { return nil }
            for entry in entries {
                switch entry {
                case .post(let post): records[post.path] = post
                case .output(let path, let output): outputs[path] = output
                case .removedPost(let path): records[path] = nil
                case .removedOutput(let path): outputs[path] = nil
                case .started(let time): self.started = time
                }
            }
        }
        lineCount = read.reduce(0) { $0 + ($1?.count ?? 0) }
    }

    /// The lines the file holds (after its head): with the records and outputs, a measure of how
    /// much appended journal it carries.
    var lineCount = 0

    /// What to append to the file of `previous` to make it read as this manifest: the records
    /// of the posts read again or gone (`records`), the outputs made again (`outputs`) and gone
    /// (`removedOutputs`) — everything else was taken from `previous` as it was — and the new
    /// start time. Nil when the file has grown to twice what it describes: then it is written
    /// whole again. (A build that changed ten pages appends ten lines instead of rewriting 5 MB;
    /// an append cut short by a crash is a damaged line, and the next build is a whole one.)
    func journal(
        since previous: SiteManifest, records changed: [String], outputs made: [String], removedOutputs: [String]
    )
        -> [UInt8]?
    {
        guard previous.output == output, previous.theme == theme else { return nil }
        var writer = ManifestWriter()
        var count = 0
        for path in changed {
            let old = previous.records[path]
            if let record = records[path] {
                guard old != record else { continue }
                writer.record(record)
            } else {
                guard old != nil else { continue }
                writer.field("XP")
                writer.field(path, last: true)
            }
            count += 1
        }
        for path in made {
            guard let output = outputs[path], previous.outputs[path] != output else { continue }
            writer.output(path, output)
            count += 1
        }
        for path in removedOutputs {
            writer.field("XO")
            writer.field(path, last: true)
            count += 1
        }
        writer.field("S")
        writer.field("\(started)", last: true)
        guard previous.lineCount + count + 1 <= 2 * (records.count + outputs.count) + 100 else { return nil }
        return writer.out
    }

    var bytes: [UInt8] {
        var out = Array(SiteManifest.header.utf8) + [0x0A]
        var head = ManifestWriter()
        head.field(output)
        head.field(theme)
        head.field("\(started)", last: true)
        out += head.out
        // On both cores, in sorted slices joined in order: the same bytes every time.
        let records = self.records
        let outputs = self.outputs
        let recordKeys = records.keys.sorted()
        let outputKeys = outputs.keys.sorted()
        let slices =
            stride(from: 0, to: recordKeys.count, by: 2_048).map { ("P", $0) }
            + stride(from: 0, to: outputKeys.count, by: 2_048).map { ("O", $0) }
        let written = slices.parallelMap { kind, start -> [UInt8] in
            var writer = ManifestWriter()
            if kind == "P" {
                for path in recordKeys[start..<min(start + 2_048, recordKeys.count)] {
                    if let record = records[path] { writer.record(record) }
                }
            } else {
                for path in outputKeys[start..<min(start + 2_048, outputKeys.count)] {
                    if let output = outputs[path] { writer.output(path, output) }
                }
            }
            return writer.out
        }
        for part in written { out += part }
        return out
    }

    /// Tabs and line breaks inside a value, and the backslash itself.
    static func escape(_ text: String, into out: inout [UInt8]) {
        // A native string's bytes are copied at once.
        let copied = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard !bytes.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if copied == true { return }
        for byte in text.utf8 {
            switch byte {
            case 0x5C: out += [0x5C, 0x5C]
            case 0x09: out += [0x5C, 0x74]
            case 0x0A: out += [0x5C, 0x6E]
            case 0x0D: out += [0x5C, 0x72]
            default: out.append(byte)
            }
        }
    }

    static func unescape(_ text: String) -> String {
        guard text.utf8.contains(0x5C) else { return text }
        var out = ""
        var escaped = false
        for character in text.unicodeScalars {
            if escaped {
                switch character {
                case "t": out += "\t"
                case "n": out += "\n"
                case "r": out += "\r"
                default: out.unicodeScalars.append(character)
                }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                out.unicodeScalars.append(character)
            }
        }
        return out
    }
}

/// A manifest's lines as bytes: tab-separated fields, each escaped.
private struct ManifestWriter {
    var out: [UInt8] = []

    mutating func record(_ record: SitePost) {
        for text in [
            "P", record.path, String(record.stamp, radix: 16), String(record.content, radix: 16), record.fileSlug,
            record.slug, record.title, record.state,
        ] {
            field(text)
        }
        date(record.publishedAt)
        date(record.publishAt)
        date(record.expireAt)
        field(record.summary)
        list(record.categories)
        list(record.tags)
        list(record.authors)
        field(record.sitePath, last: true)
    }

    mutating func output(_ path: String, _ output: SiteManifest.Output) {
        field("O")
        field(path)
        field(String(output.key, radix: 16))
        list(output.links)
        list(output.assets, last: true)
    }

    mutating func field(_ text: String, last: Bool = false) {
        SiteManifest.escape(text, into: &out)
        out.append(last ? 0x0A : 0x09)
    }

    /// Milliseconds: an integer is quicker to write and read than a fraction.
    mutating func date(_ value: Date?) {
        field(value.map { String(Int64(($0.timeIntervalSince1970 * 1000).rounded())) } ?? "")
    }

    /// (A control character inside a category name is not worth an escape of its own.)
    mutating func list(_ values: [String], last: Bool = false) {
        for (index, value) in values.enumerated() {
            if index > 0 { out.append(0x1F) }
            SiteManifest.escape(
                value.utf8.contains(0x1F) ? value.replacingOccurrences(of: "\u{1F}", with: " ") : value, into: &out)
        }
        out.append(last ? 0x0A : 0x09)
    }
}

/// A line of a manifest, read.
private enum ManifestEntry: Sendable {
    case post(SitePost)
    case output(String, SiteManifest.Output)
    /// What later builds appended (see `journal(since:)`).
    case removedPost(String)
    case removedOutput(String)
    case started(Int64)
}

/// The fields of one manifest line, read in order straight from the file's bytes: no string is
/// made for a field that is a number, nor an array for the line's fields.
private struct ManifestLine {
    private let buffer: UnsafeBufferPointer<UInt8>
    private var position: Int
    private let end: Int
    /// Whether the last field was read (a field past it is missing).
    private(set) var atEnd = false

    init(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) {
        self.buffer = buffer
        position = start
        self.end = end
    }

    /// The next field's bytes; nil after the last.
    private mutating func field() -> UnsafeBufferPointer<UInt8>? {
        guard !atEnd, let base = buffer.baseAddress else { return nil }
        let index =
            memchr(base + position, 0x09, end - position).map {
                UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base
            } ?? end
        let field = UnsafeBufferPointer(start: base + position, count: index - position)
        if index == end { atEnd = true }
        position = index + 1
        return field
    }

    mutating func text() -> String? { field().map(ManifestLine.string) }

    private static func string(_ field: UnsafeBufferPointer<UInt8>) -> String {
        let text = String(decoding: field, as: UTF8.self)
        return field.contains(0x5C) ? SiteManifest.unescape(text) : text
    }

    /// A decimal number (negative too), or a hexadecimal one.
    mutating func number(radix: UInt64 = 10) -> Int64? {
        field().flatMap { ManifestLine.number($0, radix: radix) }
    }

    /// Milliseconds since 1970, or nothing (an empty field).
    mutating func date() -> Date?? {
        guard let field = field() else { return nil }
        guard !field.isEmpty else { return .some(nil) }
        return ManifestLine.number(field, radix: 10).map { .some(Date(timeIntervalSince1970: Double($0) / 1000)) }
    }

    private static func number(_ field: UnsafeBufferPointer<UInt8>, radix: UInt64) -> Int64? {
        let negative = radix == 10 && field.first == 0x2D
        let digits = field.dropFirst(negative ? 1 : 0)
        guard !digits.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            let digit: UInt64
            switch byte {
            case 0x30...0x39: digit = UInt64(byte - 0x30)
            case 0x61...0x66 where radix == 16: digit = UInt64(byte - 0x61 + 10)
            default: return nil
            }
            let (times, overflow) = value.multipliedReportingOverflow(by: radix)
            guard !overflow else { return nil }
            value = times &+ digit
        }
        if radix == 16 { return Int64(bitPattern: value) }
        guard value <= UInt64(Int64.max) else { return nil }
        return negative ? -Int64(value) : Int64(value)
    }

    mutating func list() -> [String]? {
        guard let field = field() else { return nil }
        guard !field.isEmpty else { return [] }
        return field.split(separator: 0x1F, omittingEmptySubsequences: false).map {
            ManifestLine.string(UnsafeBufferPointer(rebasing: $0))
        }
    }

    /// The line as an entry; nil when it is damaged.
    mutating func entry() -> ManifestEntry? {
        guard let kind = text() else { return nil }
        let entry: ManifestEntry?
        switch kind {
        case "P":
            guard let path = text(), let stamp = number(radix: 16), let content = number(radix: 16),
                let fileSlug = text(), let slug = text(),
                let title = text(), let state = text(), let publishedAt = date(), let publishAt = date(),
                let expireAt = date(), let summary = text(), let categories = list(), let tags = list(),
                let authors = list(), let sitePath = text()
            else { return nil }
            entry = .post(
                SitePost(
                    path: path, stamp: UInt64(bitPattern: stamp), content: UInt64(bitPattern: content),
                    fileSlug: fileSlug, slug: slug, title: title,
                    state: state, publishedAt: publishedAt, publishAt: publishAt, expireAt: expireAt, summary: summary,
                    categories: categories, tags: tags, authors: authors, sitePath: sitePath))
        case "O":
            guard let path = text(), let key = number(radix: 16), let links = list(), let assets = list() else {
                return nil
            }
            entry = .output(path, SiteManifest.Output(key: UInt64(bitPattern: key), links: links, assets: assets))
        case "XP": entry = text().map(ManifestEntry.removedPost)
        case "XO": entry = text().map(ManifestEntry.removedOutput)
        case "S": entry = number().map(ManifestEntry.started)
        default: entry = nil
        }
        return atEnd ? entry : nil
    }
}
