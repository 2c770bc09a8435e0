import Foundation

/// What a build needs of a post, kept between builds so that an unchanged file is not read
/// again: its state, dates and the values its pages and lists show.
struct SitePost: Sendable, Equatable {
    var path: String
    /// The file's identity and last change (`FileStamp`); a record whose stamp no longer
    /// matches the file is read again.
    var stamp: UInt64
    var fileSlug: String
    var slug: String
    var title: String
    var state: String
    var publishedAt: Date?
    var publishAt: Date?
    var expireAt: Date?
    var summary: String
    var categories: [String]
    var tags: [String]
    /// Display names: the name, or the address of an author known by address alone.
    var authors: [String]
    /// Its path on the site as readers see it now, once a build has worked it out.
    var sitePath = ""
}

/// A file's device, inode, size and change times: any write, rename over or checkout changes it.
enum FileStamp {
    /// nil: nothing is at `path`, or it is not a regular file.
    static func of(_ path: String) -> (stamp: UInt64, modified: Int64)? {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        let changed = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
        var key = InputKey()
        for number in [UInt64(info.st_dev), UInt64(info.st_ino), UInt64(info.st_size)] { key.add(number: number) }
        key.add(number: UInt64(bitPattern: modified))
        key.add(number: UInt64(bitPattern: changed))
        return (key.value, modified)
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
        var assets: [String] = []
    }

    static let header = "press-build 2"
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

    /// nil when the file is missing, from another version, or damaged: a full build follows.
    init?(bytes: [UInt8]) {
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).makeIterator()
        @Sendable func fields(_ line: ArraySlice<UInt8>) -> [String] {
            line.withUnsafeBufferPointer { buffer in
                var found: [String] = []
                found.reserveCapacity(16)
                var start = 0
                for index in 0...buffer.count where index == buffer.count || buffer[index] == 0x09 {
                    let field = UnsafeBufferPointer(rebasing: buffer[start..<index])
                    let text = String(decoding: field, as: UTF8.self)
                    found.append(field.contains(0x5C) ? SiteManifest.unescape(text) : text)
                    start = index + 1
                }
                return found
            }
        }
        guard let first = lines.next(), String(decoding: first, as: UTF8.self) == SiteManifest.header,
            let head = lines.next().map(fields), head.count == 3, let started = Int64(head[2])
        else { return nil }
        output = head[0]
        theme = head[1]
        self.started = started
        @Sendable func date(_ text: String) -> Date? {
            Int64(text).map { Date(timeIntervalSince1970: Double($0) / 1000) }
        }
        @Sendable func list(_ text: String) -> [String] {
            text.isEmpty
                ? []
                : text.utf8.split(separator: 0x1F, omittingEmptySubsequences: false).map {
                    String(decoding: $0, as: UTF8.self)
                }
        }
        enum Entry: Sendable {
            case post(SitePost)
            case output(String, Output)
            case removedPost(String)
            case removedOutput(String)
            case started(Int64)
            case damaged
        }
        var rest: [ArraySlice<UInt8>] = []
        while let line = lines.next() {
            if !line.isEmpty { rest.append(line) }
        }
        // On both cores: 10,000 posts and as many outputs are read at the start of every build.
        let entries = rest.parallelMap { line -> Entry in
            let parts = fields(line)
            switch parts.first {
            case "P" where parts.count == 15:
                return .post(
                    SitePost(
                        path: parts[1], stamp: UInt64(parts[2], radix: 16) ?? 0, fileSlug: parts[3], slug: parts[4],
                        title: parts[5],
                        state: parts[6], publishedAt: date(parts[7]), publishAt: date(parts[8]),
                        expireAt: date(parts[9]), summary: parts[10], categories: list(parts[11]),
                        tags: list(parts[12]), authors: list(parts[13]), sitePath: parts[14]))
            case "O" where parts.count == 5:
                guard let key = UInt64(parts[2], radix: 16) else { return .damaged }
                return .output(parts[1], Output(key: key, links: list(parts[3]), assets: list(parts[4])))
            // What later builds appended (see `journal(since:)`).
            case "XP" where parts.count == 2: return .removedPost(parts[1])
            case "XO" where parts.count == 2: return .removedOutput(parts[1])
            case "S" where parts.count == 2: return Int64(parts[1]).map { .started($0) } ?? .damaged
            default:
                return .damaged
            }
        }
        records.reserveCapacity(entries.count / 2)
        outputs.reserveCapacity(entries.count / 2)
        for entry in entries {
            switch entry {
            case .post(let post): records[post.path] = post
            case .output(let path, let output): outputs[path] = output
            case .removedPost(let path): records[path] = nil
            case .removedOutput(let path): outputs[path] = nil
            case .started(let time): self.started = time
            case .damaged: return nil
            }
        }
        lineCount = rest.count
    }

    /// The lines the file holds (after its head): with the records and outputs, a measure of how
    /// much appended journal it carries.
    var lineCount = 0

    /// What to append to the file of `previous` to make it read as this manifest: the records
    /// of the posts read again (`records`), the outputs made again (`outputs`) and gone
    /// (`removedOutputs`) — everything else was taken from `previous` as it was — a record that
    /// is gone (`XP`), and the new start time. Nil when the file has grown to twice what it
    /// describes: then it is written whole again. (A build that changed ten pages appends ten
    /// lines instead of rewriting 5 MB; an append cut short by a crash is a damaged line, and
    /// the next build is a whole one.)
    func journal(
        since previous: SiteManifest, records changed: [String], outputs made: [String], removedOutputs: [String]
    )
        -> [UInt8]?
    {
        guard previous.output == output, previous.theme == theme else { return nil }
        var writer = ManifestWriter()
        var count = 0
        var added = 0
        for path in changed {
            guard let record = records[path] else { continue }
            if previous.records[path] == nil { added += 1 }
            if previous.records[path] != record {
                writer.record(record)
                count += 1
            }
        }
        // Records gone: as many as the counts say (no pass over 10,000 paths when none is).
        if previous.records.count + added != records.count {
            for path in previous.records.keys where records[path] == nil {
                writer.field("XP")
                writer.field(path, last: true)
                count += 1
            }
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

    private static func unescape(_ text: String) -> String {
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
            "P", record.path, String(record.stamp, radix: 16), record.fileSlug, record.slug, record.title, record.state,
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
