import ExecutorWire
import Foundation

// MARK: - Comm deliveries in flight

/// The comm messages sent to one executor whose handlers have not finished, and the comms the
/// executor has open.
///
/// Whichever thread reads the executor's messages (a running cell's, or a delivery's own
/// between cells) hands them here: output between `commStarted` and `commHandled` goes to that
/// delivery's sink, not to the cell. The thread that sent a delivery waits for its result.
final class CommRouting: @unchecked Sendable {
  /// How a delivery ended.
  enum Result: Equatable {
    /// The handler returned; `known` is false when no comm (or target) took the message.
    case handled(known: Bool)
    /// The handler ended the process; the snapshot took over. How the process ended, and the
    /// end of its stderr with what the crash handler rescued.
    case killedProcess(Termination?, stderr: String)
    /// The handler did not return within the grace period after an interrupt; the process
    /// was killed and the snapshot took over.
    case killedAfterInterrupt
    /// The executor is gone without a snapshot taking over.
    case executorGone
  }

  private final class Pending {
    let onEvent: (ExecutorEvent) -> Void
    let done = DispatchSemaphore(value: 0)
    var result: Result?
    var stderrTail = ""

    init(onEvent: @escaping (ExecutorEvent) -> Void) { self.onEvent = onEvent }
  }

  private let lock = NSLock()
  private var nextToken = 1
  private var pending: [Int: Pending] = [:]
  private var current: Int?
  private var open: Set<String> = []

  /// Registers a delivery whose output goes to `onEvent`; returns its token.
  func begin(onEvent: @escaping (ExecutorEvent) -> Void) -> Int {
    lock.withLock {
      let token = nextToken
      nextToken += 1
      pending[token] = Pending(onEvent: onEvent)
      return token
    }
  }

  /// Waits up to `timeout` seconds for delivery `token`; its result, or nil if still running.
  func wait(for token: Int, timeout: Double) -> Result? {
    guard let entry = lock.withLock({ pending[token] }) else { return .executorGone }
    guard entry.done.wait(timeout: .now() + timeout) == .success else { return nil }
    return lock.withLock {
      pending[token] = nil
      return entry.result
    }
  }

  // MARK: - Messages from the executor

  /// The executor started handling delivery `token`.
  func started(_ token: Int) {
    lock.withLock { current = token }
  }

  /// Passes `event` to the delivery being handled, if any; returns whether one took it. Keeps
  /// the ledger of open comms either way.
  func route(_ event: ExecutorEvent) -> Bool {
    let entry: Pending? = lock.withLock {
      if case .comm(let message) = event { record(message) }
      guard let current, let entry = pending[current] else { return nil }
      if case .stderr(let text) = event {
        entry.stderrTail = String((entry.stderrTail + text).suffix(16384))
      }
      return entry
    }
    entry?.onEvent(event)
    return entry != nil
  }

  /// The handler of delivery `token` returned.
  func handled(_ token: Int, known: Bool) {
    lock.withLock {
      complete(token, .handled(known: known))
      if current == token { current = nil }
    }
  }

  /// The process died and a snapshot whose comms are `alive` took over: the delivery being
  /// handled failed, and comms the dead process had opened are closed (through the failed
  /// delivery's sink, else `onEvent`).
  func restored(
    alive: [String], termination: Termination?, crash: String, onEvent: (ExecutorEvent) -> Void
  ) {
    let (failed, orphans): (Pending?, [String]) = lock.withLock {
      let failed = current.flatMap { pending[$0] }
      let orphans = open.subtracting(alive).sorted()
      open = Set(alive)
      return (failed, orphans)
    }
    for id in orphans {
      let close = ExecutorEvent.comm(.close(commID: id, CommPayload()))
      if let failed { failed.onEvent(close) } else { onEvent(close) }
    }
    lock.withLock {
      if let token = current {
        current = nil
        complete(token, .killedProcess(termination, stderr: (failed?.stderrTail ?? "") + crash))
      }
    }
  }

  /// The executor is gone for good: every delivery fails and no comm is open any more.
  func closed() {
    lock.withLock {
      current = nil
      open = []
      for token in pending.keys { complete(token, .executorGone) }
    }
  }

  // MARK: - The kernel's side of opens and closes

  /// Records a comm message the kernel sends to the executor (the frontend opened or closed one).
  func sending(_ message: CommMessage) {
    lock.withLock { record(message) }
  }

  /// Whether the executor has comm `id` open, as far as the messages tell.
  func isOpen(_ id: String) -> Bool {
    lock.withLock { open.contains(id) }
  }

  // MARK: - Helpers (the caller holds the lock)

  /// Sets the result once and wakes the waiter (the caller holds the lock).
  private func complete(_ token: Int, _ result: Result) {
    guard let entry = pending[token], entry.result == nil else { return }
    entry.result = result
    entry.done.signal()
  }

  /// Updates the ledger of open comms (the caller holds the lock).
  private func record(_ message: CommMessage) {
    switch message {
    case .open(let id, _, _): open.insert(id)
    case .close(let id, _): open.remove(id)
    case .message: break
    }
  }
}
