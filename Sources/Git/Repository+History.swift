import CLibGit2
import Foundation

/// A commit, read into a value.
public struct CommitInfo: Equatable, Sendable {
    public var id: ObjectID
    public var author: Signature
    public var committer: Signature
    public var message: String
    public var parents: [ObjectID]

    public var subject: String {
        String(message[..<(message.utf8.firstIndex(of: 0x0A) ?? message.endIndex)])
    }

    /// The values of `Key: value` trailer lines in the message's last paragraph.
    ///
    /// Read over the message's bytes: history walks ask this of every commit.
    public func trailer(_ key: String) -> String? {
        let bytes = message.utf8
        var end = bytes.endIndex
        while end > bytes.startIndex, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[bytes.index(before: end)]) {
            end = bytes.index(before: end)
        }
        // The last paragraph starts after the last blank line; a message of one paragraph has none.
        var start: String.Index?
        var index = end
        while index > bytes.startIndex {
            let before = bytes.index(before: index)
            if bytes[before] == 0x0A, before > bytes.startIndex, bytes[bytes.index(before: before)] == 0x0A {
                start = index
                break
            }
            index = before
        }
        guard let start else { return nil }
        let prefix = Array((key + ": ").utf8)
        for line in bytes[start..<end].split(separator: 0x0A) where line.starts(with: prefix) {
            return String(Substring(line.dropFirst(prefix.count)))
        }
        return nil
    }
}

extension Repository {
    /// A commit's signature (its `gpgsig` header) and the text it signs; nil when unsigned.
    public func commitSignature(_ id: ObjectID) throws -> (signature: String, signed: [UInt8])? {
        try exclusive { pointer in
            var signature = git_buf()
            var signed = git_buf()
            defer {
                git_buf_dispose(&signature)
                git_buf_dispose(&signed)
            }
            var oid = id.raw
            let result = git_commit_extract_signature(&signature, &signed, pointer, &oid, nil)
            if result == GIT_ENOTFOUND.rawValue { return nil }
            try check("git_commit_extract_signature", result)
            func bytes(_ buffer: git_buf) -> [UInt8] {
                buffer.ptr.map { Array(UnsafeRawBufferPointer(start: $0, count: buffer.size)) } ?? []
            }
            return (String(decoding: bytes(signature), as: UTF8.self), bytes(signed))
        }
    }

    /// Reads one commit. A commit libgit2 will not parse (a signature another tool wrote with a
    /// newline in it) is read from its raw object instead, so one bad commit never hides a history.
    public func commitInfo(_ id: ObjectID) throws -> CommitInfo {
        try withCommit(id, parsed: { info($0) }, raw: { $0.info })
    }

    func info(_ commit: OpaquePointer) -> CommitInfo {
        let parents = (0..<git_commit_parentcount(commit)).compactMap { index in
            git_commit_parent_id(commit, index).map { ObjectID($0.pointee) }
        }
        return CommitInfo(
            id: ObjectID(git_commit_id(commit).pointee),
            author: Signature(git_commit_author(commit)),
            committer: Signature(git_commit_committer(commit)),
            message: git_commit_message(commit).map { String(cString: $0) } ?? "",
            parents: parents)
    }

    /// Hands `parsed` the commit as libgit2 reads it, or `raw` the commit read by hand when
    /// libgit2 refuses it.
    func withCommit<T>(_ id: ObjectID, parsed: (OpaquePointer) throws -> T, raw: (RawCommit) throws -> T) throws -> T {
        try exclusive { pointer in
            var oid = id.raw
            var commit: OpaquePointer?
            let result = git_commit_lookup(&commit, pointer, &oid)
            if result == 0, let commit {
                defer { git_commit_free(commit) }
                return try parsed(commit)
            }
            guard let fallback = try? rawCommit(id) else {
                try check("git_commit_lookup", result)
                throw lastError("git_commit_lookup", code: result)
            }
            return try raw(fallback)
        }
    }

    /// The tree of a commit.
    func treeID(ofCommit id: ObjectID) throws -> ObjectID {
        try withCommit(id, parsed: { ObjectID(git_commit_tree_id($0).pointee) }, raw: { $0.tree })
    }

    /// Every commit reachable from HEAD, newest first (topological, then by time), until `body`
    /// returns false. libgit2's walk stops at a commit it cannot parse; then the walk is redone
    /// here from the raw objects, in the same order.
    func walkFromHead(_ body: (ObjectID) throws -> Bool) throws {
        guard let head = try headCommitID() else { return }
        struct Stop: Error {}
        var handed: Set<ObjectID> = []
        do {
            try walk(
                sorting: GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue,
                from: { try check("git_revwalk_push_head", git_revwalk_push_head($0)) },
                each: { id in
                    handed.insert(id)
                    if try !body(id) { throw Stop() }
                })
        } catch is Stop {
            return
        } catch GitError.libgit2(let function, _, _) where function.hasPrefix("git_revwalk") {
            for id in try lenientOrder(from: head) where !handed.contains(id) {
                if try !body(id) { return }
            }
        }
    }

    /// The commits reachable from `head`, children before parents and newer before older,
    /// read through `commitInfo` (which tolerates what libgit2 refuses).
    private func lenientOrder(from head: ObjectID) throws -> [ObjectID] {
        var commits: [ObjectID: CommitInfo] = [:]
        var children: [ObjectID: Int] = [:]
        var stack = [head]
        while let id = stack.popLast() {
            guard commits[id] == nil else { continue }
            let info = try commitInfo(id)
            commits[id] = info
            for parent in info.parents {
                children[parent, default: 0] += 1
                stack.append(parent)
            }
        }
        var ready = [head]
        var order: [ObjectID] = []
        while !ready.isEmpty {
            // Newest committer time last, so it is taken first.
            ready.sort {
                (commits[$0]?.committer.time ?? .distantPast, $0.description) < (
                    commits[$1]?.committer.time ?? .distantPast, $1.description
                )
            }
            let id = ready.removeLast()
            order.append(id)
            for parent in commits[id]?.parents ?? [] {
                children[parent, default: 1] -= 1
                if children[parent] == 0 { ready.append(parent) }
            }
        }
        return order
    }

    /// Walks commits in `sorting` order from what `from` pushes (and hides), handing each
    /// commit's id to `each`.
    func walk(sorting: UInt32, from setUp: (OpaquePointer?) throws -> Void, each: (ObjectID) throws -> Void) throws {
        try exclusive { pointer in
            var walk: OpaquePointer?
            try check("git_revwalk_new", git_revwalk_new(&walk, pointer))
            defer { git_revwalk_free(walk) }
            git_revwalk_sorting(walk, sorting)
            try setUp(walk)
            var oid = git_oid()
            while true {
                let step = git_revwalk_next(&oid, walk)
                if step == GIT_ITEROVER.rawValue { break }
                try check("git_revwalk_next", step)
                try each(ObjectID(oid))
            }
        }
    }

    func withOptionalTree<T>(_ commit: ObjectID?, _ body: (OpaquePointer?) throws -> T) throws -> T {
        guard let commit else { return try body(nil) }
        return try withTree(of: commit, body)
    }

    /// The commits reachable from `tip` and not from `base`, newest first (topological, then by
    /// time), read whole.
    public func commits(from tip: ObjectID, notReachableFrom base: ObjectID) throws -> [CommitInfo] {
        var result: [CommitInfo] = []
        try walk(
            sorting: GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue,
            from: { walk in
                var tipOID = tip.raw
                var baseOID = base.raw
                try check("git_revwalk_push", git_revwalk_push(walk, &tipOID))
                try check("git_revwalk_hide", git_revwalk_hide(walk, &baseOID))
            },
            each: { result.append(try commitInfo($0)) })
        return result
    }

    /// Hands each commit reachable from HEAD to `body`, newest first (topological, then by
    /// time), reading only the commit itself, until `body` returns false.
    public func walkHistory(_ body: (CommitInfo) throws -> Bool) throws {
        try walkFromHead { try body(commitInfo($0)) }
    }

    /// Hands each commit reachable from `tip` to `body`, children before their parents (breadth
    /// first: on a linear history, newest first), until `body` returns false. Each commit object
    /// is read once, raw, as the walk reaches it, so stopping early reads only what was handed
    /// out (libgit2 reads the whole history before it hands out the first commit of a sorted
    /// walk, and its unsorted walk and a commit lookup read each object twice).
    ///
    /// With `mentioning`, only commits whose message contains one of those strings are read
    /// into values and handed out: a long walk for a few posts' transitions builds nothing for
    /// the rest.
    public func walkHistory(
        from tip: ObjectID, mentioning needles: [String]? = nil, _ body: (CommitInfo) throws -> Bool
    ) throws {
        let patterns = needles?.map { Array($0.utf8) }
        let odb = try objectDatabase()
        defer { git_odb_free(odb) }
        var queue = [tip]
        var seen: Set<ObjectID> = [tip]
        var next = 0
        while next < queue.count {
            let id = queue[next]
            next += 1
            var oid = id.raw
            var object: OpaquePointer?
            try check("git_odb_read", git_odb_read(&object, odb, &oid))
            defer { git_odb_object_free(object) }
            guard let data = git_odb_object_data(object) else { continue }
            let bytes = UnsafeRawBufferPointer(start: data, count: git_odb_object_size(object))
            // The headers up to the blank line: each `parent HEX` joins the walk.
            var line = 0
            var messageStart = bytes.count
            while line < bytes.count {
                let end = bytes[line...].firstIndex(of: 0x0A) ?? bytes.count
                if end == line {
                    messageStart = end + 1
                    break
                }
                if end - line == 47, bytes[line..<(line + 7)].elementsEqual("parent ".utf8),
                    let parent = ObjectID(
                        hex: String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(line + 7)..<end]), as: UTF8.self)),
                    seen.insert(parent).inserted
                {
                    queue.append(parent)
                }
                line = end + 1
            }
            if let patterns, let base = bytes.baseAddress {
                let length = max(0, bytes.count - messageStart)
                let mentioned = patterns.contains { pattern in
                    pattern.withUnsafeBytes {
                        cMemmem(base + messageStart, length, $0.baseAddress, pattern.count) != nil
                    }
                }
                if !mentioned { continue }
            }
            if try !body(commitInfo(id)) { return }
        }
    }
}

/// A commit read from its raw object, leniently: for commits whose headers libgit2 refuses.
struct RawCommit {
    var info: CommitInfo
    var tree: ObjectID
}

extension Repository {
    func rawCommit(_ id: ObjectID) throws -> RawCommit {
        try exclusive { _ in
            let odb = try objectDatabase()
            defer { git_odb_free(odb) }
            var object: OpaquePointer?
            var oid = id.raw
            try check("git_odb_read", git_odb_read(&object, odb, &oid))
            defer { git_odb_object_free(object) }
            guard git_odb_object_type(object) == GIT_OBJECT_COMMIT, let data = git_odb_object_data(object) else {
                throw GitError.io(path: id.description, message: "not a commit")
            }
            let text = String(
                decoding: UnsafeRawBufferPointer(start: data, count: git_odb_object_size(object)), as: UTF8.self)
            let (header, message) =
                text.range(of: "\n\n").map { (text[..<$0.lowerBound], String(text[$0.upperBound...])) } ?? (
                    text[...], ""
                )
            var tree: ObjectID?
            var parents: [ObjectID] = []
            var author = Signature(name: "", email: "", time: Date(timeIntervalSince1970: 0))
            var committer = author
            for line in header.split(separator: "\n") {
                if line.hasPrefix("tree ") { tree = ObjectID(hex: String(line.dropFirst(5))) }
                if line.hasPrefix("parent "), let parent = ObjectID(hex: String(line.dropFirst(7))) {
                    parents.append(parent)
                }
                if line.hasPrefix("author ") { author = Signature(lenient: line.dropFirst(7)) }
                if line.hasPrefix("committer ") { committer = Signature(lenient: line.dropFirst(10)) }
            }
            guard let tree else { throw GitError.io(path: id.description, message: "a commit without a tree") }
            return RawCommit(
                info: CommitInfo(id: id, author: author, committer: committer, message: message, parents: parents),
                tree: tree)
        }
    }
}

extension Signature {
    /// Reads `Name <email> seconds ±hhmm` as far as it goes: a header line cut short by a
    /// newline in the name keeps what it has, the name as written and no email.
    init(lenient text: Substring) {
        guard let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close else {
            self.init(name: String(text), email: "", time: Date(timeIntervalSince1970: 0))
            return
        }
        let rest = text[text.index(after: close)...].split(separator: " ")
        let seconds = rest.first.flatMap { Double($0) } ?? 0
        let zone = rest.dropFirst().first.flatMap { Int($0) } ?? 0
        self.init(
            name: text[..<open].trimmingCharacters(in: .whitespaces),
            email: String(text[text.index(after: open)..<close]), time: Date(timeIntervalSince1970: seconds),
            offsetMinutes: (zone / 100) * 60 + (zone % 100))
    }
}
