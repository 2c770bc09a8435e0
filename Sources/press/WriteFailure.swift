import Foundation
import PressKit

#if canImport(Glibc)
    import Glibc
#endif

/// A file the user named that could not be written, said in plain words (exit 2: the path is
/// theirs to fix).
struct WriteFailure: PressError {
    var path: String
    var code: Int32

    var location: SourceLocation? { nil }
    var isConfigurationError: Bool { true }
    var description: String {
        let folder = path.parentFolder
        let hint = code == ENOENT ? " (is there a folder \(folder.isEmpty ? "." : folder)?)" : ""
        return "cannot write \(path): \(String(cString: strerror(code)).lowercased())\(hint)"
    }

    /// Writes `bytes` to a temporary file beside `path` and renames it over `path`, so a reader
    /// never sees half a file.
    static func write(_ bytes: [UInt8], to path: String) throws {
        let temporary = path + ".\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw WriteFailure(path: path, code: errno) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes {
                Glibc.write(descriptor, $0.baseAddress.map { $0 + written }, bytes.count - written)
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                let code = errno
                close(descriptor)
                unlink(temporary)
                throw WriteFailure(path: path, code: code)
            }
            written += count
        }
        let closed = close(descriptor)
        guard closed == 0, rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw WriteFailure(path: path, code: code)
        }
    }
}
