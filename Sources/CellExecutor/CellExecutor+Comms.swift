import ExecutorWire
import Foundation

// MARK: - Comm messages from the frontend

/// How a comm message from the frontend was handled in the executor.
public enum CommOutcome: Equatable, Sendable {
  /// A comm (or, for an open, a target) took it and its handler returned.
  case handled
  /// No open comm or registered target took it; it was dropped.
  case unknown
  /// The handler ended the process running it; the state from before it was restored and the
  /// error was shown where the comm's handler shows its errors.
  case rolledBack(CellError)
  /// No executor is running (it died and none was started yet); the message was dropped.
  case noExecutor
}

extension CellExecutor {
  /// Seconds between checks whether a delivery can read the executor's answers itself.
  static let deliveryPoll = 0.02

  /// Hands a comm message from the frontend to the executor and returns when its handler is
  /// done; `onEvent` gets what the handler shows, live. `parentID` is the msg_id of the
  /// frontend's message.
  ///
  /// While a cell runs, the message reaches the executor next to it, and the cell's own
  /// thread passes the handler's output on; between cells this thread reads it. A handler
  /// that kills the process is rolled back like a cell, and the restored executor shows the
  /// error (see `ExecutorCommand.recover`).
  public func deliver(
    _ message: CommMessage, parentID: String, onEvent: @escaping (ExecutorEvent) -> Void
  ) -> CommOutcome {
    guard let process else { return .noExecutor }
    switch send(.comm(message), to: process, parentID: parentID, readerHeld: false, onEvent: onEvent) {
    case .handled(let known): return known ? .handled : .unknown
    case .executorGone: return .noExecutor
    case .killedProcess(let ended, let stderr):
      let error = CrashReport.callbackError(
        stderr: stderr, termination: ended, memoryLimit: configuration.memoryLimit)
      return rollBack(message, error: error, process: process, parentID: parentID, onEvent: onEvent)
    case .killedAfterInterrupt:
      let error = CrashReport.callbackKilledAfterInterrupt(grace: configuration.interruptGracePeriod)
      return rollBack(message, error: error, process: process, parentID: parentID, onEvent: onEvent)
    }
  }

  /// After a handler ended the process running it: the restored executor re-sends its comms'
  /// state and shows `error` where the comm shows its errors.
  private func rollBack(
    _ message: CommMessage, error: CellError, process: ExecutorProcess, parentID: String,
    onEvent: @escaping (ExecutorEvent) -> Void
  ) -> CommOutcome {
    let failure = CommFailure(
      commID: message.commID, ename: error.ename, evalue: error.evalue, traceback: error.traceback)
    _ = recoverComms(process, failure: failure, parentID: parentID, readerHeld: false, onEvent: onEvent)
    return .rolledBack(error)
  }

  /// After a snapshot took over: has the restored executor re-send its comms' state and show
  /// `failure`, and waits for it. `readerHeld`: the caller holds `executionLock`.
  func recoverComms(
    _ process: ExecutorProcess, failure: CommFailure?, parentID: String, readerHeld: Bool,
    onEvent: @escaping (ExecutorEvent) -> Void
  ) -> CommRouting.Result {
    send(.recover(failure), to: process, parentID: parentID, readerHeld: readerHeld, onEvent: onEvent)
  }

  /// What a delivery sends: a comm message, or the request to recover after a restore.
  enum DeliveryRequest {
    case comm(CommMessage)
    case recover(CommFailure?)
  }

  /// Sends one delivery and waits for its result, reading the executor's messages itself
  /// whenever no cell is running (at once when `readerHeld`: the caller holds `executionLock`).
  private func send(
    _ request: DeliveryRequest, to process: ExecutorProcess, parentID: String, readerHeld: Bool,
    onEvent: @escaping (ExecutorEvent) -> Void
  ) -> CommRouting.Result {
    let token = process.routing.begin(onEvent: onEvent)
    let command: ExecutorCommand
    switch request {
    case .comm(let message):
      process.routing.sending(message)
      command = .comm(CommDelivery(message: message, token: token, parentID: parentID))
    case .recover(let failure):
      command = .recover(token: token, parentID: parentID, failure: failure)
    }
    guard process.send(command) else {
      process.routing.closed()
      return .executorGone
    }
    // Within a cell's execute (after its rollback) the cell owns the interrupt state.
    if readerHeld { return readAnswers(to: token, from: process, handlesInterrupts: false, onEvent: onEvent) }
    while true {
      if let result = process.routing.wait(for: token, timeout: Self.deliveryPoll) { return result }
      // No cell reads the executor's messages now: read them here until this delivery is done.
      guard executionLock.try() else { continue }
      defer { executionLock.unlock() }
      return readAnswers(to: token, from: process, handlesInterrupts: true, onEvent: onEvent)
    }
  }

  /// Reads the executor's messages until delivery `token` is done (the caller holds
  /// `executionLock`); output that no delivery made (a background thread's) goes to `onEvent`.
  ///
  /// With `handlesInterrupts` (no cell runs), an interrupt reaches the handler as it reaches a
  /// cell (SIGINT), and once the grace period has passed the process is killed, so that the
  /// snapshot takes over; the interrupt is used up when the delivery ends.
  private func readAnswers(
    to token: Int, from process: ExecutorProcess, handlesInterrupts: Bool,
    onEvent: @escaping (ExecutorEvent) -> Void
  ) -> CommRouting.Result {
    if handlesInterrupts { interrupts.setRunning(true) }
    defer {
      if handlesInterrupts {
        interrupts.setRunning(false)
        _ = interrupts.take()
      }
    }
    var killed = false
    while true {
      if let result = process.routing.wait(for: token, timeout: 0) {
        if killed, case .killedProcess = result { return .killedAfterInterrupt }
        return result
      }
      switch process.nextReply(timeout: 0.1, onEvent: onEvent) {
      case .restored: interrupts.processID = process.pid
      case .timeout:
        if handlesInterrupts, !killed, let deadline = interrupts.killDeadline, Date() >= deadline {
          process.signal(SIGKILL)
          killed = true
        }
      case .closed, .ready, .cellEnded, .cellSkipped, .loaded, .loadFailed: continue
      }
    }
  }
}
