import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Git

/// An HTTP server on 127.0.0.1 (or another loopback address) for link-checking tests and
/// benchmarks. Routes:
/// - `/ok`: 200; `/missing`: 404; `/slow/MS`: 200 after MS milliseconds
/// - `/redirect/N`: 301 to `/redirect/N-1`, and `/redirect/0` is 200; `/temporary`: 302 to `/ok`
/// - `/loop/a` and `/loop/b`: 302 to each other
/// - `/no-head`: 405 to HEAD, 200 to GET
/// - `/rate-limited`: 429 with `Retry-After: 1` the first time, then 200
/// - `/flaky`: 500 the first time, then 200
/// - `/hang`: never answers; `/trickle`: sends the head, then a byte a second forever
/// - `/hooks/...`: 200, for webhooks
/// - `/to-unix`: 302 to an `http+unix://` URL; `/to-host/HOST:PORT`: 307 to `/hooks/stolen` there
/// Every request is counted by path, and its body kept.
public final class TestHTTPServer: Sendable {
    public let port: Int
    public let host: String
    private let channel: Channel
    private let state: State

    /// What the server has seen, behind a mutex (the handlers run on NIO's threads).
    final class State: Sendable {
        struct Record {
            var counts: [String: Int] = [:]
            var methods: [String: [String]] = [:]
            var bodies: [String: [String]] = [:]
            var headers: [String: [[(String, String)]]] = [:]
        }
        let record = Locked(Record())

        func count(_ path: String, _ method: String) -> Int {
            record.withLock { record in
                record.counts[path, default: 0] += 1
                record.methods[path, default: []].append(method)
                return record.counts[path] ?? 1
            }
        }
    }

    public init(host: String = "127.0.0.1", port: Int = 0) throws {
        let state = State()
        self.state = state
        self.host = host
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(ChannelOptions.backlog, value: 1024)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMapThrowing {
                    try channel.pipeline.syncOperations.addHandler(Handler(state: state))
                }
            }
        channel = try bootstrap.bind(host: host, port: port).wait()
        self.port = channel.localAddress?.port ?? port
    }

    deinit { try? channel.close().wait() }

    public func url(_ path: String) -> String { "http://\(host):\(port)\(path)" }

    /// The bodies of the requests `path` has had.
    public func bodies(_ path: String) -> [String] {
        state.record.withLock { $0.bodies[path] ?? [] }
    }

    /// The value of header `name` in each request `path` has had (nil where it was absent).
    public func header(_ name: String, of path: String) -> [String?] {
        state.record.withLock { record in
            (record.headers[path] ?? []).map { $0.first { $0.0.lowercased() == name.lowercased() }?.1 }
        }
    }

    /// How many requests `path` has had, and with which methods.
    public func requests(_ path: String) -> [String] {
        state.record.withLock { $0.methods[path] ?? [] }
    }

    /// One connection's handler: used on its event loop only (what runs later is bound to it).
    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let state: State
        var head: HTTPRequestHead?
        var body = ""

        init(state: State) { self.state = state }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = ""
            case .body(let buffer): body += String(buffer: buffer)
            case .end:
                guard let head else { return }
                let path = String(head.uri.prefix { $0 != "?" })
                let body = self.body
                state.record.withLock { record in
                    record.bodies[path, default: []].append(body)
                    record.headers[path, default: []].append(head.headers.map { ($0.name, $0.value) })
                }
                respond(to: head, context: context)
            }
        }

        func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
            let path = String(head.uri.prefix { $0 != "?" })
            let count = state.count(path, head.method.rawValue)
            let parts = path.split(separator: "/").map(String.init)
            switch (parts.first ?? "", parts.dropFirst().first) {
            case ("ok", _), ("hooks", _): send(.ok, context: context, head: head)
            case ("missing", _): send(.notFound, context: context, head: head)
            case ("slow", let ms):
                let delay = TimeAmount.milliseconds(Int64(ms.flatMap(Int.init) ?? 50))
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: delay) {
                    bound.value.0.send(.ok, context: bound.value.1, head: head)
                }
            case ("redirect", let n):
                let left = n.flatMap(Int.init) ?? 0
                if left == 0 {
                    send(.ok, context: context, head: head)
                } else {
                    send(
                        .movedPermanently, context: context, head: head,
                        headers: [("Location", "/redirect/\(left - 1)")])
                }
            case ("temporary", _): send(.found, context: context, head: head, headers: [("Location", "/ok")])
            case ("loop", let which):
                send(
                    .found, context: context, head: head, headers: [("Location", which == "a" ? "/loop/b" : "/loop/a")])
            case ("no-head", _): send(head.method == .HEAD ? .methodNotAllowed : .ok, context: context, head: head)
            case ("rate-limited", _):
                if count == 1 {
                    send(.tooManyRequests, context: context, head: head, headers: [("Retry-After", "1")])
                } else {
                    send(.ok, context: context, head: head)
                }
            case ("flaky", _): send(count == 1 ? .internalServerError : .ok, context: context, head: head)
            case ("to-unix", _):
                send(
                    .found, context: context, head: head,
                    headers: [("Location", "http+unix://%2Ftmp%2Fpress-test.sock/secret-admin")])
            case ("to-host", let target):
                send(
                    .temporaryRedirect, context: context, head: head,
                    headers: [("Location", "http://\(target ?? "")/hooks/stolen")])
            case ("hang", _): break
            case ("trickle", _): trickle(context: context)
            default: send(.notFound, context: context, head: head)
            }
        }

        func send(
            _ status: HTTPResponseStatus, context: ChannelHandlerContext, head: HTTPRequestHead,
            headers: [(String, String)] = []
        ) {
            var fields = HTTPHeaders(headers)
            fields.add(name: "Content-Length", value: "2")
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: fields))),
                promise: nil)
            if head.method != .HEAD {
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "ok")))), promise: nil)
            }
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }

        func trickle(context: ChannelHandlerContext) {
            var fields = HTTPHeaders()
            fields.add(name: "Content-Length", value: "1000000")
            context.writeAndFlush(
                wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: fields))), promise: nil)
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            context.eventLoop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { task in
                let (handler, context) = bound.value
                guard context.channel.isActive else { return task.cancel() }
                context.writeAndFlush(
                    handler.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: ".")))), promise: nil)
            }
        }
    }
}
