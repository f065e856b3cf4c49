import Foundation

// MARK: - Interrupts

/// Whether a cell is running and whether the user asked it to stop, shared between the thread
/// that runs cells and the one that delivers interrupts.
///
/// An interrupt cancels the toolchain program a compile is running, sends SIGINT to the
/// executor (library loops return at their next check) and sets a deadline after which the
/// executor is killed, so that the snapshot from before the cell takes over.
final class InterruptState: @unchecked Sendable {
  /// Lets an interrupt kill the toolchain program a compile or an install is running.
  let cancellation = ToolCancellation()
  private let lock = NSLock()
  private var running = false
  private var deadline: Date?
  private var requested = false
  private var pid: pid_t?

  /// The executor's process id, which interrupts signal.
  var processID: pid_t? {
    get { lock.withLock { pid } }
    set { lock.withLock { pid = newValue } }
  }

  /// When the running cell is killed if it has not returned: set by the first interrupt.
  var killDeadline: Date? {
    lock.withLock { deadline }
  }

  /// Marks a cell as running (`true`) or done (`false`, which forgets the kill deadline).
  func setRunning(_ value: Bool) {
    lock.withLock {
      running = value
      if !value { deadline = nil }
    }
  }

  /// Asks the running cell to stop; the kill deadline is `grace` seconds after the first
  /// request. Does nothing when no cell is running.
  func request(grace: Double) {
    lock.withLock {
      guard running else { return }
      requested = true
      if deadline == nil { deadline = Date().addingTimeInterval(grace) }
      cancellation.cancel()
      if let pid { kill(pid, SIGINT) }
    }
  }

  /// Whether an interrupt was requested since the last call.
  func take() -> Bool {
    lock.withLock {
      defer { requested = false }
      return requested
    }
  }
}
