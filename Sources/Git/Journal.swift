import Foundation

/// What a commit in progress changes, kept on disk so that a crash can be finished or undone.
struct Journal: Equatable {
    struct Entry: Equatable {
        var path: String
        var oldWorkdir: ObjectID?
        var oldIndex: ObjectID?
        var oldMode: UInt32
        var new: ObjectID?
    }

    var oldHead: ObjectID?
    var newCommit: ObjectID
    var refName: String
    var entries: [Entry]

    func write(to path: String, directory: String) throws {
        var lines = ["press-journal 1", "old \(Journal.hex(oldHead))", "new \(newCommit)", "ref \(refName)"]
        for entry in entries {
            lines.append(
                "path \(Journal.hex(entry.oldWorkdir)) \(Journal.hex(entry.oldIndex)) \(entry.oldMode) \(Journal.hex(entry.new)) \(entry.path)"
            )
        }
        lines.append("end")
        let text = lines.joined(separator: "\n") + "\n"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8)),
            rename(temporary, path) == 0
        else { throw GitError.io(path: path, message: "cannot write the commit journal") }
    }

    /// Reads a journal; nil when it is damaged. (It is written whole and renamed into place, so a
    /// writer killed while writing it leaves no journal at all.)
    static func read(from path: String) throws -> Journal? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        guard lines.first == "press-journal 1", lines.last == "end", lines.count >= 5,
            let newCommit = ObjectID(hex: String(lines[2].dropFirst(4)))
        else { return nil }
        var journal = Journal(
            oldHead: ObjectID(hex: String(lines[1].dropFirst(4))), newCommit: newCommit,
            refName: String(lines[3].dropFirst(4)), entries: [])
        for line in lines[4..<(lines.count - 1)] {
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: false)
            guard fields.count == 6, fields[0] == "path", let mode = UInt32(fields[3]) else { return nil }
            journal.entries.append(
                Entry(
                    path: String(fields[5]), oldWorkdir: ObjectID(hex: String(fields[1])),
                    oldIndex: ObjectID(hex: String(fields[2])), oldMode: mode, new: ObjectID(hex: String(fields[4]))))
        }
        return journal
    }

    private static func hex(_ id: ObjectID?) -> String { id?.description ?? "-" }
}
