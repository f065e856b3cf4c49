import ExecutorWire
import Foundation

// MARK: - The executor's comms

/// The comms of this process and the targets the frontend may open comms to; the executor
/// hands it every comm message from the frontend (`receive`).
public enum Comms {
  /// Makes a comm the frontend opened to a target: gets the comm and the open's payload.
  public typealias TargetHandler = (Comm, CommPayload) throws -> Void

  private static let lock = NSLock()
  nonisolated(unsafe) private static var open: [String: Comm] = [:]
  nonisolated(unsafe) private static var targets: [String: TargetHandler] = [:]

  /// Lets the frontend open comms to `target`; `handler` sets the new comm up. Registering a
  /// target again replaces its handler.
  public static func register(target: String, _ handler: @escaping TargetHandler) {
    lock.withLock { targets[target] = handler }
  }

  /// The ids of the open comms, sorted.
  public static var openIDs: [String] {
    lock.withLock { open.keys.sorted() }
  }

  /// The open comm with this id, if any.
  public static func comm(id: String) -> Comm? {
    lock.withLock { open[id] }
  }

  static func add(_ comm: Comm) {
    lock.withLock { open[comm.id] = comm }
  }

  static func remove(_ id: String) {
    _ = lock.withLock { open.removeValue(forKey: id) }
  }

  // MARK: - From the frontend

  /// Hands a comm message from the frontend to its comm, or an open to its target's handler;
  /// returns false when nothing took it (an unknown comm id; an open to an unknown target,
  /// which is answered with `comm_close` as the messaging spec asks).
  ///
  /// An error that a handler throws is shown as an error output; the message counts as taken.
  @discardableResult
  public static func receive(_ message: CommMessage) -> Bool {
    switch message {
    case .open(let id, let target, let payload):
      guard let handler = lock.withLock({ targets[target] }) else {
        DisplayChannel.send(.comm(.close(commID: id, CommPayload())))
        return false
      }
      let comm = Comm(openedByFrontend: id, targetName: target)
      add(comm)
      report { try handler(comm, payload) }
      return true
    case .message(let id, let payload):
      guard let comm = comm(id: id) else { return false }
      if let handler = comm.currentHandlers.message { report { try handler(payload) } }
      return true
    case .close(let id, let payload):
      guard let comm = lock.withLock({ open.removeValue(forKey: id) }) else { return false }
      comm.closedByFrontend(payload)
      return true
    }
  }

  /// In an executor that took over after a crash: every open comm re-sends its state, then
  /// `failure` is shown by its comm (or as an error output when the comm cannot show it).
  public static func recover(failure: CommFailure?) {
    for comm in lock.withLock({ open.values.sorted { $0.id < $1.id } }) {
      comm.currentHandlers.recover?()
    }
    guard let failure else { return }
    if let show = comm(id: failure.commID)?.currentHandlers.failure {
      show(failure)
    } else {
      DisplayChannel.send(
        .error(ename: failure.ename, evalue: failure.evalue, traceback: failure.traceback))
    }
  }

  /// Runs a handler; what it throws becomes an error output.
  private static func report(_ body: () throws -> Void) {
    do {
      try body()
    } catch {
      DisplayChannel.send(
        .error(
          ename: String(describing: type(of: error)), evalue: String(describing: error),
          traceback: ["\(type(of: error)): \(error)"]))
    }
  }
}
