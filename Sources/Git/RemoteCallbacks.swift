import CLibGit2
import Foundation

/// What libgit2 calls back during a fetch or push: credential requests, answered from the
/// environment only, and a push's per-reference refusals.
///
/// Credentials:
///
/// - ssh: the keys an ssh-agent holds (`SSH_AUTH_SOCK`), as the URL's user or `git`;
/// - https: a token in `PRESS_GIT_TOKEN`, as `PRESS_GIT_USERNAME`, the URL's user, or
///   `x-access-token` (what GitHub expects; GitLab takes `oauth2`).
///
/// Each kind is offered once per operation, so a refused key or token ends in an error that says
/// what to set instead of libgit2 asking again forever. Local paths and `file://` need none.
final class RemoteCallbacks {
    /// A remote's refusal of a reference update, reported through `push_update_reference`.
    var refusal: String?
    private var offeredAgent = false
    private var offeredToken = false
    private let environment: [String: String]

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// Points `callbacks` at this object, which the caller keeps alive while libgit2 may call.
    func attach(to callbacks: inout git_remote_callbacks) {
        callbacks.payload = Unmanaged.passUnretained(self).toOpaque()
        callbacks.credentials = { out, url, username, allowed, payload in
            guard let out, let payload else { return GIT_PASSTHROUGH.rawValue }
            let callbacks = Unmanaged<RemoteCallbacks>.fromOpaque(payload).takeUnretainedValue()
            return callbacks.answer(
                out, url: url.map { String(cString: $0) } ?? "", username: username.map { String(cString: $0) },
                allowed: allowed)
        }
        callbacks.push_update_reference = { _, status, payload in
            if let status, let payload {
                Unmanaged<RemoteCallbacks>.fromOpaque(payload).takeUnretainedValue().refusal = String(cString: status)
            }
            return 0
        }
    }

    private func answer(
        _ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>, url: String, username: String?,
        allowed: UInt32
    ) -> Int32 {
        if allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0, !offeredAgent, environment["SSH_AUTH_SOCK"] != nil {
            offeredAgent = true
            return git_credential_ssh_key_from_agent(out, username ?? "git")
        }
        if allowed & GIT_CREDENTIAL_USERNAME.rawValue != 0 {
            return git_credential_username_new(out, username ?? "git")
        }
        if allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0, !offeredToken,
            let token = environment["PRESS_GIT_TOKEN"]
        {
            offeredToken = true
            let user = environment["PRESS_GIT_USERNAME"] ?? username ?? "x-access-token"
            return git_credential_userpass_plaintext_new(out, user, token)
        }
        let tried = offeredAgent || offeredToken ? "the credentials offered were refused" : "no credentials were found"
        git_error_set_str(
            Int32(GIT_ERROR_NET.rawValue),
            "\(url): \(tried); for ssh, load the key into an ssh-agent (SSH_AUTH_SOCK); for https, set PRESS_GIT_TOKEN (and PRESS_GIT_USERNAME if the host needs one)"
        )
        return GIT_EAUTH.rawValue
    }
}
