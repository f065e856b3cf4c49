import ExecutorWire
import Foundation

// MARK: - Types shared with the executor's wire

/// A comm message: `comm_open`, `comm_msg` or `comm_close` (defined with the executor's messages).
public typealias CommMessage = ExecutorWire.CommMessage
/// What a comm message carries: data, metadata and binary buffers.
public typealias CommPayload = ExecutorWire.CommPayload
/// A comm handler's failure that the kernel reports to the restored executor.
public typealias CommFailure = ExecutorWire.CommFailure

// MARK: - Comm

/// One end of a Jupyter comm, living in the executor: a channel of JSON messages to an object
/// in the frontend (a widget's model, for instance).
///
/// Made here with `Comm(target:)`, given its handlers, then opened with `open(data:)`, which
/// sends `comm_open`; or opened by the frontend, whose `comm_open` goes to the handler
/// registered for its target (`Comms.register(target:)`). Messages from the frontend reach
/// `onMessage` on the executor's main thread, between cells or next to a running cell.
public final class Comm: @unchecked Sendable {
  /// The comm's id, shared with the frontend.
  public let id: String
  /// The target name it was opened with.
  public let targetName: String
  private let lock = NSLock()
  private var state = State.unopened
  private var handlers = Handlers()

  /// Where a comm is in its life.
  enum State {
    case unopened, open, closed
  }

  /// What a comm does with what reaches it.
  struct Handlers {
    var message: ((CommPayload) throws -> Void)?
    var close: ((CommPayload) -> Void)?
    var recover: (() -> Void)?
    var failure: ((CommFailure) -> Void)?
  }

  /// A comm to `target` in the frontend, not open yet: set its handlers, then `open`.
  public init(target: String, id: String = Comm.newID()) {
    self.id = id
    self.targetName = target
  }

  /// A comm the frontend opened (see `Comms.register(target:)`).
  init(openedByFrontend id: String, targetName: String) {
    self.id = id
    self.targetName = targetName
    self.state = .open
  }

  /// A fresh comm id: 32 lowercase hex digits, as ipykernel makes them.
  public static func newID() -> String {
    UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
  }

  /// Whether the comm is open (opened and not closed yet).
  public var isOpen: Bool { lock.withLock { state == .open } }

  // MARK: - Sending

  /// Registers the comm and sends `comm_open` with `data`, `metadata` and `buffers`; only the
  /// first call does anything.
  public func open(
    data: [String: JSONValue] = [:], metadata: [String: JSONValue] = [:], buffers: [Data] = []
  ) {
    let first = lock.withLock { () -> Bool in
      guard state == .unopened else { return false }
      state = .open
      return true
    }
    guard first else { return }
    Comms.add(self)
    DisplayChannel.send(
      .comm(
        .open(
          commID: id, targetName: targetName, CommPayload(data: data, metadata: metadata, buffers: buffers))))
  }

  /// Sends `comm_msg` with `data`; does nothing once the comm is closed.
  public func send(
    _ data: [String: JSONValue], metadata: [String: JSONValue] = [:], buffers: [Data] = []
  ) {
    guard isOpen else { return }
    DisplayChannel.send(
      .comm(.message(commID: id, CommPayload(data: data, metadata: metadata, buffers: buffers))))
  }

  /// Sends `comm_close` and forgets the comm; does nothing unless it is open.
  public func close(_ data: [String: JSONValue] = [:]) {
    let wasOpen = lock.withLock { () -> Bool in
      defer { state = .closed }
      return state == .open
    }
    guard wasOpen else { return }
    Comms.remove(id)
    DisplayChannel.send(.comm(.close(commID: id, CommPayload(data: data))))
  }

  // MARK: - Receiving

  /// Handles each `comm_msg` from the frontend; an error it throws is shown as an error output.
  public func onMessage(_ handler: @escaping (CommPayload) throws -> Void) {
    lock.withLock { handlers.message = handler }
  }

  /// Runs when the frontend closes the comm.
  public func onClose(_ handler: @escaping (CommPayload) -> Void) {
    lock.withLock { handlers.close = handler }
  }

  /// Runs in an executor that took over after a crash: the frontend may show state that was
  /// rolled back, so the handler re-sends what the comm's peer should show.
  public func onRecover(_ handler: @escaping () -> Void) {
    lock.withLock { handlers.recover = handler }
  }

  /// Runs in an executor that took over after this comm's message handler crashed, with the
  /// error; without it the error is shown as an output of the frontend's message.
  public func onFailure(_ handler: @escaping (CommFailure) -> Void) {
    lock.withLock { handlers.failure = handler }
  }

  /// The handlers as they are now.
  var currentHandlers: Handlers { lock.withLock { handlers } }

  /// The frontend closed the comm.
  func closedByFrontend(_ payload: CommPayload) {
    lock.withLock { state = .closed }
    currentHandlers.close?(payload)
  }
}
