import ExecutorWire
import Foundation

// MARK: - Transport

/// Where the kernel core sends messages: the ZeroMQ server, or a mock in tests.
///
/// `send` is called from several threads and must keep each thread's messages in order.
public protocol KernelTransport: AnyObject {
  /// Signs and sends a message on a channel (ROUTER channels route by `message.identities`).
  func send(_ message: Message, on channel: Channel)
}

// MARK: - KernelCore

/// The kernel's message logic: a table from msg_type to handler, busy/idle around every
/// request, replies, and the execution counter. Knows nothing of sockets or of Swift.
///
/// Shell requests run one at a time on a shell worker; control requests on their own worker,
/// so interrupt and shutdown are served while a cell runs; comm messages (shell) on a comm
/// worker, so that a widget the running cell shows still talks to it.
public final class KernelCore {
  /// A request being handled: the message and the channel it came on.
  public struct Request {
    /// The request message.
    public let message: Message
    /// The channel it arrived on.
    public let channel: Channel
    /// Its arrival number among shell messages (stop_on_error aborts by this).
    let sequence: Int
  }

  /// A handler answers one request; the core wraps it in busy/idle.
  typealias Handler = (KernelCore, Request) -> Void

  let interpreter: KernelInterpreter
  let transport: KernelTransport
  /// This kernel's session id, sent in every header.
  public let session: String

  private let shellQueue = DispatchQueue(label: "realnvp-kernel.shell")
  private let controlQueue = DispatchQueue(label: "realnvp-kernel.control")
  private let commQueue = DispatchQueue(label: "realnvp-kernel.comm")
  /// The comms open with the frontend.
  let comms = CommTable()
  let lock = NSLock()
  private let onShutdown: (_ restart: Bool) -> Void

  // Guarded by `lock`.
  var shellArrivals = 0
  var abortBelowSequence = 0
  var pendingInput: PendingInput?
  var shutdownRequested: Bool?
  private var shutdownDelivered = false

  // Touched only on the shell worker.
  var executionCount = 0
  var history = ExecutionHistory()

  /// The msg_type -> handler table; unknown types are logged and answered with busy/idle only.
  let handlers: [String: Handler] = [
    "kernel_info_request": { core, request in core.kernelInfo(request) },
    "execute_request": { core, request in core.execute(request) },
    "is_complete_request": { core, request in core.isComplete(request) },
    "complete_request": { core, request in core.complete(request) },
    "inspect_request": { core, request in core.inspect(request) },
    "history_request": { core, request in core.history(request) },
    "comm_info_request": { core, request in core.commInfo(request) },
    "comm_open": { core, request in core.commOpen(request) },
    "comm_msg": { core, request in core.commMessage(request) },
    "comm_close": { core, request in core.commClose(request) },
    "shutdown_request": { core, request in core.shutdown(request) },
    "interrupt_request": { core, request in core.interrupt(request) },
  ]

  /// Message types served on the control channel, next to a running cell.
  static let controlTypes: Set<String> = [
    "kernel_info_request", "shutdown_request", "interrupt_request", "comm_info_request",
  ]

  /// Shell message types served on the comm worker, next to a running cell.
  static let commTypes: Set<String> = ["comm_open", "comm_msg", "comm_close"]

  /// Creates a core; `onShutdown` runs after the shutdown reply and idle status were sent.
  public init(
    interpreter: KernelInterpreter, transport: KernelTransport,
    session: String = UUID().uuidString.lowercased(),
    onShutdown: @escaping (_ restart: Bool) -> Void = { _ in }
  ) {
    self.interpreter = interpreter
    self.transport = transport
    self.session = session
    self.onShutdown = onShutdown
  }

  // MARK: - Receiving

  /// Accepts a decoded message from any thread and queues it on its channel's worker.
  public func receive(_ message: Message, on channel: Channel) {
    switch channel {
    case .shell where KernelCore.commTypes.contains(message.msgType):
      let request = Request(message: message, channel: channel, sequence: 0)
      commQueue.async { self.dispatch(request) }
    case .shell:
      lock.lock()
      shellArrivals += 1
      let request = Request(message: message, channel: channel, sequence: shellArrivals)
      lock.unlock()
      shellQueue.async { self.dispatch(request) }
    case .control:
      let request = Request(message: message, channel: channel, sequence: 0)
      controlQueue.async { self.dispatch(request) }
    case .stdin:
      receiveInputReply(message)
    case .iopub:
      KernelLog.log("ignored \(message.msgType) received on iopub")
    }
  }

  /// Blocks until every request queued so far on shell, comm and control has been handled.
  public func waitUntilIdle() {
    controlQueue.sync {}
    commQueue.sync {}
    shellQueue.sync {}
    commQueue.sync {}
    controlQueue.sync {}
  }

  /// Publishes status "starting", as ipykernel does once at start-up.
  public func announceStarting() {
    transport.send(iopubMessage("status", content: ["execution_state": "starting"], parent: nil), on: .iopub)
  }

  private func dispatch(_ request: Request) {
    lock.lock()
    let stopping = shutdownRequested != nil
    lock.unlock()
    if stopping { return }
    publishStatus("busy", parent: request.message)
    let msgType = request.message.msgType
    if request.channel == .control && !KernelCore.controlTypes.contains(msgType) {
      // The interpreter and the history belong to the shell worker; serving these here would race.
      KernelLog.log("\(msgType) is not served on control (only \(KernelCore.controlTypes.sorted())); ignored")
    } else if let handler = handlers[msgType] {
      handler(self, request)
    } else {
      KernelLog.log("unknown message type \(request.message.msgType) on \(request.channel.rawValue); ignored")
    }
    publishStatus("idle", parent: request.message)
    lock.lock()
    let restart = shutdownDelivered ? nil : shutdownRequested
    if restart != nil { shutdownDelivered = true }
    lock.unlock()
    if let restart { onShutdown(restart) }
  }

  // MARK: - Sending

  /// Publishes `status` with `execution_state`.
  func publishStatus(_ state: String, parent: Message) {
    publish("status", content: ["execution_state": .string(state)], parent: parent)
  }

  /// Publishes a message on IOPub as a child of `parent`.
  func publish(
    _ msgType: String, content: [String: JSONValue], parent: Message?, metadata: [String: JSONValue] = [:],
    buffers: [Data] = []
  ) {
    var message = iopubMessage(msgType, content: content, parent: parent)
    message.metadata = metadata
    message.buffers = buffers
    transport.send(message, on: .iopub)
  }

  /// Sends a reply on the request's channel, routed to its sender.
  func reply(
    to request: Request, _ msgType: String, content: [String: JSONValue], metadata: [String: JSONValue] = [:]
  ) {
    let message = Message(
      identities: request.message.identities, header: MessageHeader(msgType: msgType, session: session),
      parentHeader: request.message.header.echoed, metadata: metadata, content: content)
    transport.send(message, on: request.channel)
  }

  private func iopubMessage(_ msgType: String, content: [String: JSONValue], parent: Message?) -> Message {
    Message(
      identities: [Data("kernel.\(session.prefix(8)).\(msgType)".utf8)],
      header: MessageHeader(msgType: msgType, session: session),
      parentHeader: parent?.header.echoed ?? .object([:]), content: content)
  }

  /// Marks the kernel as stopping; the dispatcher calls `onShutdown` after idle.
  func requestShutdown(restart: Bool) {
    lock.lock()
    shutdownRequested = restart
    lock.unlock()
  }
}
