import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The web server of `press preview`, on SwiftNIO: GET and HEAD of the site's files, the
/// editorial board, and `/_press/changes?since=TOKEN`, which answers when the site is built
/// again (or after `patience`, 25 seconds, with the same token: ask again).
///
/// On a loopback connection a request must name this machine in its `Host` (`localhost`,
/// `127.x.x.x`, `[::1]`): a page on another site can point its own name at 127.0.0.1 (DNS
/// rebinding) and would otherwise read the drafts and the board from the reader's browser.
public final class PreviewServer: Sendable {
    public let host: String
    public let port: Int
    private let channel: Channel

    /// Listens on `host` (127.0.0.1 unless asked otherwise) and `port` (0: any free one).
    public init(
        site: PreviewSite, host: String = "127.0.0.1", port: Int = 0, patience: TimeAmount = .seconds(25)
    ) async throws {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let loopback = channel.localAddress.map(PreviewServer.isLoopback) ?? false
                return channel.pipeline.configureHTTPServerPipeline().flatMapThrowing {
                    try channel.pipeline.syncOperations.addHandler(
                        Handler(site: site, patience: patience, checksHost: loopback))
                }
            }
        do {
            channel = try await bootstrap.bind(host: host, port: port).get()
        } catch {
            throw ListenError(host: host, port: port, underlying: error)
        }
        self.host = host
        self.port = channel.localAddress?.port ?? port
    }

    /// The address cannot be listened on: in use, not this machine's, not an address (exit 2).
    public struct ListenError: PressError {
        var host: String
        var port: Int
        var underlying: any Error
        public var location: SourceLocation? { nil }
        public var isConfigurationError: Bool { true }
        public var description: String {
            let reason: String
            if let error = underlying as? IOError {
                reason =
                    String(cString: strerror(error.errnoCode)).lowercased()
                    + (error.errnoCode == EADDRINUSE ? " (another preview? --port 0 takes any free one)" : "")
            } else {
                reason = "\(underlying)"
            }
            return "cannot listen on \(host):\(port): \(reason)"
        }
    }

    public var address: String { "http://\(host.contains(":") ? "[\(host)]" : host):\(port)/" }

    public func close() async throws { try await channel.close() }

    static func isLoopback(_ address: SocketAddress) -> Bool {
        guard let ip = address.ipAddress else { return false }
        return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }

    /// Whether a `Host` header names this machine's loopback: `localhost` (or a name under it,
    /// which browsers keep on this machine), an IPv4 address in 127/8 or `[::1]`, with any port.
    static func namesLoopback(_ host: String) -> Bool {
        let name = host.lowercased()
        if name.hasPrefix("[") { return name == "[::1]" || name.hasPrefix("[::1]:") }
        let bare = name.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        if bare == "localhost" || bare.hasSuffix(".localhost") { return true }
        let parts = bare.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// One connection: used on its event loop only.
    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let site: PreviewSite
        let patience: TimeAmount
        let checksHost: Bool
        var head: HTTPRequestHead?
        /// The request being answered; a late answer to an earlier one is dropped.
        var request = 0

        init(site: PreviewSite, patience: TimeAmount, checksHost: Bool) {
            self.site = site
            self.patience = patience
            self.checksHost = checksHost
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head): self.head = head
            case .body: break
            case .end:
                guard let head else { return }
                self.head = nil
                request += 1
                respond(to: head, context: context)
            }
        }

        func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
            // (A request without a Host, HTTP/1.0 by hand, is no browser's.)
            if checksHost, let host = head.headers.first(name: "Host"), !PreviewServer.namesLoopback(host) {
                let text = "press preview answers to localhost, 127.0.0.1 and [::1]; this request named another host\n"
                return send(
                    PreviewSite.Response(status: 403, contentType: "text/plain; charset=utf-8", body: Array(text.utf8)),
                    to: head, context: context)
            }
            guard head.method == .GET || head.method == .HEAD else {
                return send(
                    PreviewSite.Response(status: 405, contentType: "text/plain", body: Array("GET or HEAD\n".utf8)),
                    to: head, context: context, extra: [("Allow", "GET, HEAD")])
            }
            let path = head.uri.prefix { $0 != "?" }
            guard path == "/_press/changes" else {
                return send(site.response(for: head.uri), to: head, context: context)
            }
            let since =
                URLComponents(string: head.uri)?.queryItems?.first { $0.name == "since" }?.value ?? ""
            let number = request
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            let answer: @Sendable (String) -> Void = { token in
                bound.eventLoop.execute {
                    let (handler, context) = bound.value
                    guard handler.request == number, context.channel.isActive else { return }
                    handler.request += 1  // answered: the timeout's answer is dropped
                    handler.send(
                        PreviewSite.Response(status: 200, contentType: "text/plain", body: Array(token.utf8)),
                        to: head, context: context)
                }
            }
            // Unanswered by then: the same token (the page asks again), and the site forgets it.
            guard let waiting = site.whenChanged(from: since, answer) else { return }
            let site = site
            context.eventLoop.scheduleTask(in: patience) {
                site.stopWaiting(waiting)
                answer(since)
            }
        }

        func send(
            _ response: PreviewSite.Response, to head: HTTPRequestHead, context: ChannelHandlerContext,
            extra: [(String, String)] = []
        ) {
            var fields = HTTPHeaders(extra)
            fields.add(name: "Content-Type", value: response.contentType)
            fields.add(name: "Content-Length", value: "\(response.body.count)")
            fields.add(name: "Cache-Control", value: "no-store")
            fields.add(name: "X-Content-Type-Options", value: "nosniff")
            if let location = response.location { fields.add(name: "Location", value: location) }
            let status = HTTPResponseStatus(statusCode: response.status)
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: fields))),
                promise: nil)
            if head.method != .HEAD, !response.body.isEmpty {
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: response.body)))), promise: nil)
            }
            // HTTP/1.0, or `Connection: close`: the connection ends with the answer.
            guard !head.isKeepAlive else { return context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil) }
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in bound.value.close(promise: nil) }
        }
    }
}
