import Crypto
import Foundation
import Git

extension ContentRepository {
    /// Signs the commits this repository makes from now on, when the person has a signing key:
    /// `PRESS_SIGNING_KEY` (an OpenSSH private key file), else git's own settings for signing
    /// every commit with SSH (`gpg.format ssh`, `commit.gpgsign true`, and `user.signingkey`, a
    /// key file or its `.pub`). A key that is
    /// configured but cannot be used stops the first commit with a clear error, before anything
    /// is written; commands that only read never touch it.
    public func signCommits(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let configured: String?
        if let path = environment["PRESS_SIGNING_KEY"], !path.isEmpty {
            configured = path
        } else if (try? git.configString("gpg.format")) == "ssh",
            ["true", "yes", "on", "1"].contains((try? git.configString("commit.gpgsign"))?.lowercased() ?? ""),
            let key = try? git.configString("user.signingkey")
        {
            configured = key
        } else {
            configured = nil
        }
        guard let configured else { return }
        let loaded: Result<Curve25519.Signing.PrivateKey, SigningKeyError> = ContentRepository.loadKey(
            configured, home: environment["HOME"])
        git.commitSigning = { text in try SSHSignature.sign(text, with: try loaded.get()) }
    }

    static func loadKey(_ configured: String, home: String?) -> Result<Curve25519.Signing.PrivateKey, SigningKeyError> {
        if configured.hasPrefix("key::") || configured.hasPrefix("ssh-") {
            var error = SigningKeyError("it is a public key held by an agent (press signs with a key file)")
            error.path = "in user.signingkey"
            return .failure(error)
        }
        var path = configured
        if path.hasPrefix("~/"), let home { path = home + path.dropFirst() }
        if path.hasSuffix(".pub"), FileManager.default.fileExists(atPath: String(path.dropLast(4))) {
            path = String(path.dropLast(4))
        }
        do {
            guard let bytes = FileManager.default.contents(atPath: path) else {
                throw SigningKeyError("no such file")
            }
            return .success(try SSHSignature.privateKey(fromFile: String(decoding: bytes, as: UTF8.self)))
        } catch var error as SigningKeyError {
            error.path = path
            return .failure(error)
        } catch {
            var failure = SigningKeyError("\(error)")
            failure.path = path
            return .failure(failure)
        }
    }
}
