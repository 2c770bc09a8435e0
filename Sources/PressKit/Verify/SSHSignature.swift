import Crypto
import Foundation

/// SSH signatures of commits, in the SSHSIG format git writes and checks (`gpg.format ssh`):
/// Ed25519 keys, the `git` namespace, SHA-512. Made and checked in-process with swift-crypto.
enum SSHSignature {
    static let magic = Array("SSHSIG".utf8)
    static let namespace = "git"
    static let hashAlgorithm = "sha512"
    static let keyType = "ssh-ed25519"

    /// What a signature is over: the magic, namespace, reserved, hash algorithm and the hash of
    /// the signed text (PROTOCOL.sshsig).
    static func signedBlob(of message: [UInt8]) -> [UInt8] {
        var blob = magic
        blob.appendString(Array(namespace.utf8))
        blob.appendString([])
        blob.appendString(Array(hashAlgorithm.utf8))
        blob.appendString(Array(SHA512.hash(data: message)))
        return blob
    }

    /// The armored signature of `message` by `key`, as git stores it in a commit's `gpgsig`.
    static func sign(_ message: [UInt8], with key: Curve25519.Signing.PrivateKey) throws -> String {
        let signature = try key.signature(for: signedBlob(of: message))
        var publicBlob: [UInt8] = []
        publicBlob.appendString(Array(keyType.utf8))
        publicBlob.appendString(Array(key.publicKey.rawRepresentation))
        var signatureBlob: [UInt8] = []
        signatureBlob.appendString(Array(keyType.utf8))
        signatureBlob.appendString(Array(signature))
        var blob = magic
        blob.appendUInt32(1)
        blob.appendString(publicBlob)
        blob.appendString(Array(namespace.utf8))
        blob.appendString([])
        blob.appendString(Array(hashAlgorithm.utf8))
        blob.appendString(signatureBlob)
        let base64 = Data(blob).base64EncodedString()
        var lines: [String] = []
        var rest = Substring(base64)
        while !rest.isEmpty {
            lines.append(String(rest.prefix(70)))
            rest = rest.dropFirst(70)
        }
        return "-----BEGIN SSH SIGNATURE-----\n" + lines.joined(separator: "\n") + "\n-----END SSH SIGNATURE-----"
    }

    /// What checking a signature found.
    enum Check: Equatable {
        /// Valid, by the key with this public blob.
        case valid(key: [UInt8])
        case malformed(String)
        /// Not an Ed25519 key: press cannot check it.
        case unsupported(String)
        case invalid(key: [UInt8])
    }

    /// Checks an armored SSHSIG signature of `message`.
    static func check(_ armored: String, of message: [UInt8]) -> Check {
        let body = armored.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("-----") }.joined()
        guard let data = Data(base64Encoded: body) else { return .malformed("not base64") }
        var reader = WireReader(Array(data))
        guard reader.take(magic.count) == magic, reader.uint32() == 1, let publicBlob = reader.string(),
            let space = reader.string(), let _ = reader.string(), let hash = reader.string(),
            let signatureBlob = reader.string()
        else { return .malformed("not an SSH signature (SSHSIG)") }
        guard space == Array(namespace.utf8) else {
            return .malformed("made for '\(String(decoding: space, as: UTF8.self))', not for git")
        }
        guard hash == Array(hashAlgorithm.utf8) else {
            return .unsupported("hash \(String(decoding: hash, as: UTF8.self))")
        }
        var key = WireReader(publicBlob)
        var signature = WireReader(signatureBlob)
        guard let type = key.string(), let raw = key.string(), signature.string() == type,
            let bytes = signature.string()
        else { return .malformed("a key or signature that cannot be read") }
        guard type == Array(keyType.utf8) else { return .unsupported(String(decoding: type, as: UTF8.self)) }
        guard let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else {
            return .malformed("an Ed25519 key of the wrong length")
        }
        return publicKey.isValidSignature(bytes, for: signedBlob(of: message))
            ? .valid(key: publicBlob) : .invalid(key: publicBlob)
    }

    /// The public key blob of an `ssh-ed25519 AAAA… comment` line (as `allowed_signers` and
    /// `authorized_keys` hold them); nil for anything else.
    static func publicBlob(ofLine line: String) -> [UInt8]? {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard let index = fields.firstIndex(where: { $0 == keyType }), index + 1 < fields.count,
            let data = Data(base64Encoded: String(fields[index + 1]))
        else { return nil }
        return Array(data)
    }

    /// An unencrypted Ed25519 key from an OpenSSH private key file (`openssh-key-v1`).
    static func privateKey(fromFile text: String) throws -> Curve25519.Signing.PrivateKey {
        let body = text.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("-----") }.joined()
        guard text.contains("BEGIN OPENSSH PRIVATE KEY"), let data = Data(base64Encoded: body) else {
            throw SigningKeyError.unreadable("not an OpenSSH private key")
        }
        var reader = WireReader(Array(data))
        guard reader.take(15) == Array("openssh-key-v1\u{0}".utf8), let cipher = reader.string(),
            let _ = reader.string(), let _ = reader.string(), reader.uint32() == 1, let _ = reader.string(),
            let privateSection = reader.string()
        else { throw SigningKeyError.unreadable("an OpenSSH private key press cannot read") }
        guard cipher == Array("none".utf8) else {
            throw SigningKeyError.unreadable("it is protected by a passphrase (press cannot ask for one)")
        }
        var section = WireReader(privateSection)
        guard let first = section.uint32(), section.uint32() == first, let type = section.string() else {
            throw SigningKeyError.unreadable("its private part cannot be read")
        }
        guard type == Array(keyType.utf8) else {
            throw SigningKeyError.unreadable(
                "a \(String(decoding: type, as: UTF8.self)) key (press signs with ssh-ed25519)")
        }
        guard let _ = section.string(), let secret = section.string(), secret.count == 64,
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: secret.prefix(32))
        else { throw SigningKeyError.unreadable("its Ed25519 key cannot be read") }
        return key
    }
}

/// A signing key that is configured but cannot be used.
public struct SigningKeyError: PressError {
    var reason: String
    var path = ""
    init(_ reason: String) { self.reason = reason }
    static func unreadable(_ reason: String) -> SigningKeyError { SigningKeyError(reason) }

    public var location: SourceLocation? { nil }
    public var isConfigurationError: Bool { true }
    public var description: String {
        "the signing key \(path.isEmpty ? "" : "\(path) ")cannot be used: \(reason); give press an unencrypted ssh-ed25519 key with PRESS_SIGNING_KEY=FILE, or unset user.signingkey"
    }
}

/// Reads SSH wire-format values: uint32 big-endian, and strings as a uint32 length and bytes.
struct WireReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func take(_ count: Int) -> [UInt8]? {
        guard count >= 0, offset + count <= bytes.count else { return nil }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    mutating func uint32() -> UInt32? {
        take(4).map { $0.reduce(0) { $0 << 8 | UInt32($1) } }
    }

    mutating func string() -> [UInt8]? {
        uint32().flatMap { take(Int($0)) }
    }
}

extension Array where Element == UInt8 {
    mutating func appendUInt32(_ value: UInt32) {
        append(contentsOf: [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) })
    }

    mutating func appendString(_ value: [UInt8]) {
        appendUInt32(UInt32(value.count))
        append(contentsOf: value)
    }
}
