import CZeroMQ
import Foundation

// MARK: - KernelServer

/// The transport layer: binds the five sockets of a connection file and moves messages.
///
/// One I/O thread (the caller of `run`) owns shell, control, stdin and iopub; the heartbeat
/// echoes on its own thread. Other threads hand outgoing messages to `send`, which queues
/// them and wakes the I/O thread through a pipe, so no socket is touched by two threads.
public final class KernelServer: KernelTransport {
  /// The connection file this server was bound from.
  public let connection: ConnectionInfo
  /// Signs outgoing and verifies incoming messages.
  public let codec: WireCodec
  /// The endpoints actually bound, by channel name (plus "hb").
  public private(set) var endpoints: [String: String] = [:]

  private let context: ZMQContext
  private let sockets: [Channel: ZMQSocket]
  private let heartbeat: ZMQSocket
  private let wakePipe: (read: Int32, write: Int32)
  private let lock = NSLock()
  private var outgoing: [(Channel, [Data])] = []
  private var wakePending = false
  private var stopRequested = false
  /// Decodes, verifies and refuses replays (touched only on the I/O thread).
  private var admission: MessageAdmission

  /// The largest frame a peer may send: libzmq disconnects a peer that announces a larger one
  /// before allocating for it (ZMQ_MAXMSGSIZE), so an unauthenticated peer cannot make the
  /// kernel allocate without bound.
  public static let maximumFrameBytes: Int64 = 64 << 20
  /// The largest message (all frames together) the kernel copies out of libzmq; a larger one
  /// is dropped unread, before its signature is computed.
  public static let maximumMessageBytes = 128 << 20

  /// Creates the sockets and binds them; throws if a port is taken or an address is invalid.
  public init(connection: ConnectionInfo) throws {
    self.connection = connection
    codec = WireCodec(signer: MessageSigner(key: connection.key))
    admission = MessageAdmission(codec: codec)
    context = try ZMQContext()
    let types: [Channel: Int32] = [
      .shell: ZMQ_ROUTER, .control: ZMQ_ROUTER, .stdin: ZMQ_ROUTER, .iopub: ZMQ_PUB,
    ]
    let ports: [Channel: Int] = [
      .shell: connection.shellPort, .control: connection.controlPort, .stdin: connection.stdinPort,
      .iopub: connection.iopubPort,
    ]
    var sockets: [Channel: ZMQSocket] = [:]
    var endpoints: [String: String] = [:]
    let ipv6: Int32 = connection.ip.contains(":") ? 1 : 0
    for channel in [Channel.shell, .control, .stdin, .iopub] {
      let socket = try ZMQSocket(context: context, type: types[channel]!)
      socket.setOption(ZMQ_IPV6, ipv6)
      socket.setOption(ZMQ_LINGER, 1000)
      if channel != .iopub { socket.setOption(ZMQ_MAXMSGSIZE, int64: KernelServer.maximumFrameBytes) }
      // A PUB socket drops what exceeds its high-water mark, the final `idle` included; the
      // executor caps and coalesces stream output instead, so the queue is never cut.
      if channel == .iopub { socket.setOption(ZMQ_SNDHWM, 0) }
      endpoints[channel.rawValue] = try socket.bind(connection.endpoint(port: ports[channel]!))
      sockets[channel] = socket
    }
    heartbeat = try ZMQSocket(context: context, type: ZMQ_REP)
    heartbeat.setOption(ZMQ_IPV6, ipv6)
    endpoints["hb"] = try heartbeat.bind(connection.endpoint(port: connection.hbPort))
    self.sockets = sockets
    self.endpoints = endpoints
    var fds: [Int32] = [0, 0]
    guard pipe(&fds) == 0 else { throw ZMQError("pipe") }
    for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
    wakePipe = (fds[0], fds[1])
  }

  // MARK: - Sending (any thread)

  /// Encodes and signs a message, then queues it for the I/O thread.
  public func send(_ message: Message, on channel: Channel) {
    let frames = codec.encode(message)
    lock.lock()
    outgoing.append((channel, frames))
    let mustWake = !wakePending
    wakePending = true
    lock.unlock()
    if mustWake { wake() }
  }

  /// Asks `run` to flush what is queued and return.
  public func stop() {
    lock.lock()
    stopRequested = true
    lock.unlock()
    wake()
  }

  private func wake() {
    var byte: UInt8 = 1
    _ = write(wakePipe.write, &byte, 1)
  }

  // MARK: - Running (I/O thread)

  /// Serves the sockets until `stop()`: verified, decoded messages go to `handler`; messages
  /// that fail to decode or verify are logged and dropped. Blocks the calling thread.
  public func run(handler: @escaping (Message, Channel) -> Void) {
    let heartbeatThread = Thread { [heartbeat] in KernelServer.echo(on: heartbeat) }
    heartbeatThread.name = "realnvp-kernel.heartbeat"
    heartbeatThread.start()

    let polled: [Channel] = [.control, .shell, .stdin]
    var items = polled.map {
      zmq_pollitem_t(socket: sockets[$0]!.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
    }
    items.append(zmq_pollitem_t(socket: nil, fd: wakePipe.read, events: Int16(ZMQ_POLLIN), revents: 0))
    while true {
      let rc = zmq_poll(&items, Int32(items.count), -1)
      if rc < 0 {
        if zmq_errno() == EINTR { continue }
        KernelLog.log(ZMQError("zmq_poll").description)
        break
      }
      for (index, channel) in polled.enumerated() where items[index].revents & Int16(ZMQ_POLLIN) != 0 {
        receiveAll(on: channel, handler: handler)
      }
      if items[polled.count].revents & Int16(ZMQ_POLLIN) != 0 { drainWakePipe() }
      if flushOutgoing() { break }
    }
    for socket in sockets.values { socket.close() }
    context.shutdown()
    heartbeatThread.cancel()
    context.terminate()
    close(wakePipe.read)
    close(wakePipe.write)
  }

  private func receiveAll(on channel: Channel, handler: (Message, Channel) -> Void) {
    let socket = sockets[channel]!
    for _ in 0..<64 {
      let frames: [Data]
      do {
        guard
          let received = try socket.receive(dontWait: true, maximumBytes: KernelServer.maximumMessageBytes)
        else { return }
        frames = received
      } catch {
        KernelLog.log("receive on \(channel.rawValue): \(error)")
        return
      }
      do {
        handler(try admission.admit(frames), channel)
      } catch {
        KernelLog.log("dropped message on \(channel.rawValue) (\(frames.count) frames): \(error)")
      }
    }
  }

  private func drainWakePipe() {
    var buffer = [UInt8](repeating: 0, count: 256)
    while read(wakePipe.read, &buffer, buffer.count) > 0 {}
  }

  /// Sends everything queued; returns whether a stop was requested.
  private func flushOutgoing() -> Bool {
    lock.lock()
    let batch = outgoing
    outgoing.removeAll()
    wakePending = false
    let stopping = stopRequested
    lock.unlock()
    for (channel, frames) in batch {
      do {
        try sockets[channel]!.send(frames)
      } catch {
        KernelLog.log("send on \(channel.rawValue): \(error)")
      }
    }
    return stopping
  }

  /// Echoes every heartbeat request until the context shuts down.
  private static func echo(on socket: ZMQSocket) {
    while true {
      do {
        guard let frames = try socket.receive(dontWait: false) else { continue }
        try socket.send(frames)
      } catch {
        break
      }
    }
    socket.close(lingerMilliseconds: 0)
  }
}
