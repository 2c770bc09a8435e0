import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A fresh folder under the system's temporary directory, removed when the value goes away.
public final class TemporaryDirectory: Sendable {
    public let path: String

    public init(_ label: String = "press-test") {
        let template = (NSTemporaryDirectory() as NSString).appendingPathComponent("\(label).XXXXXX")
        var bytes = Array(template.utf8CString)
        let created = bytes.withUnsafeMutableBufferPointer { buffer -> String in
            guard let base = buffer.baseAddress, let made = mkdtemp(base) else { return template }
            return String(cString: made)
        }
        // Resolve symlinks in the temporary directory so that paths compare equal to libgit2's.
        if let real = realpath(created, nil) {
            path = String(cString: real)
            free(real)
        } else {
            path = created
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    public func file(_ relative: String) -> String { (path as NSString).appendingPathComponent(relative) }

    public func write(_ relative: String, _ text: String) throws {
        try write(relative, Array(text.utf8))
    }

    public func write(_ relative: String, _ bytes: [UInt8]) throws {
        let full = file(relative)
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: full))
    }

    public func read(_ relative: String) -> String? {
        readFile(file(relative)).map { String(decoding: $0, as: UTF8.self) }
    }

    public func bytes(_ relative: String) -> [UInt8]? {
        readFile(file(relative))
    }

    public func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: file(relative)) }
}

/// A regular file's bytes, read with read(2) to its end; nil when there is none (a FIFO or a
/// device is never read: opened without waiting, and left). Foundation's
/// `FileManager.contents(atPath:)` leaks its buffer when the file is empty, which LeakSanitizer
/// reports in tests that poll a log a process has not written yet.
public func readFile(_ path: String) -> [UInt8]? {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var info = stat()
    guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count < 0 && errno == EINTR { continue }
        guard count > 0 else { break }
        bytes += chunk[..<count]
    }
    return bytes
}
