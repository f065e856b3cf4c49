import ExecutorWire
import Foundation

// MARK: - Following a running cell

/// How a cell sent to the executor stopped, as far as the process goes; `CellExecutor` turns
/// it into the cell's outcome.
enum CellStop: Equatable {
  /// The cell ended and the process running it survived.
  case ended(CellEnding)
  /// The cell never started: an interrupt came while its snapshot was taken.
  case skipped
  /// The cell ended the process running it and the snapshot from before it took over; how the
  /// process ended, and the last of its stderr with what the crash handler rescued.
  case rolledBack(Termination?, stderr: String)
  /// The cell was killed after the interrupt's grace period and the snapshot took over.
  case killedAndRolledBack
  /// The cell ended the process and no snapshot took over; as for `rolledBack`.
  case died(Termination?, stderr: String)
  /// The cell was killed after the interrupt's grace period and no snapshot took over in time.
  case killedAndLost

  /// Whether the snapshot from before the cell took over.
  var snapshotTookOver: Bool {
    switch self {
    case .rolledBack, .killedAndRolledBack: return true
    case .ended, .skipped, .died, .killedAndLost: return false
    }
  }
}

extension ExecutorProcess {
  /// Seconds to wait for the snapshot's `restored` message after killing a cell.
  static let restoreTimeout = 10.0

  /// Runs the cell library at `library` and follows it until it stops: output goes to
  /// `onEvent`, input requests to `readInput`; once `interrupts` has a kill deadline and it
  /// passes, the process is killed so that the snapshot takes over.
  func runCell(
    library: String, parentID: String, interrupts: InterruptState,
    readInput: (_ prompt: String, _ password: Bool) -> String?, onEvent: (ExecutorEvent) -> Void
  ) -> CellStop {
    guard send(.run(library: library, parentID: parentID)) else { return .died(nil, stderr: "") }
    var stderrTail = ""
    func collect(_ event: ExecutorEvent) {
      if case .stderr(let text) = event {
        stderrTail += text
        if stderrTail.utf8.count > 65536 { stderrTail = String(stderrTail.suffix(16384)) }
      }
      onEvent(event)
    }
    var killedAt: Date?
    while true {
      switch nextReply(timeout: 0.05, readInput: readInput, onEvent: collect) {
      case .cellEnded(let ending): return .ended(ending)
      case .cellSkipped: return .skipped
      case .restored(let ended, let crash):
        interrupts.processID = pid
        if killedAt != nil { return .killedAndRolledBack }
        return .rolledBack(ended, stderr: stderrTail + crash)
      case .closed(let ended):
        if killedAt != nil { return .killedAndLost }
        return .died(ended, stderr: stderrTail + crashReport())
      case .timeout:
        if let killedAt {
          // The snapshot reports within milliseconds; if it does not, start afresh.
          guard Date().timeIntervalSince(killedAt) > Self.restoreTimeout else { continue }
          terminate()
          return .killedAndLost
        }
        if let deadline = interrupts.killDeadline, Date() >= deadline {
          signal(SIGKILL)
          killedAt = Date()
        }
      case .ready, .loaded, .loadFailed:
        continue
      }
    }
  }

  /// What answers a cell's input requests: `readInput`, or end of input with a notice on
  /// stderr at the first request when there is none.
  static func inputReader(
    _ readInput: ((_ prompt: String, _ password: Bool) -> String?)?,
    onEvent: @escaping (ExecutorEvent) -> Void
  ) -> (_ prompt: String, _ password: Bool) -> String? {
    if let readInput { return readInput }
    var saidWhy = false
    return { _, _ in
      if !saidWhy {
        saidWhy = true
        onEvent(.stderr(noInputNotice))
      }
      return nil
    }
  }

  /// Written to stderr the first time in a cell that `readLine()` finds input not allowed.
  static let noInputNotice =
    "readLine() returned nil: this frontend does not take input for this cell (allow_stdin is false).\n"

  /// Passes on what arrived since the last cell (output of background threads), and adopts
  /// the snapshot if the executor died meanwhile, saying so on stderr.
  func takeOutputBetweenCells(interrupts: InterruptState, onEvent: (ExecutorEvent) -> Void) {
    while true {
      switch nextReply(timeout: 0, onEvent: onEvent) {
      case .restored(let ended, _):
        interrupts.processID = pid
        let how = ended?.phrase.replacingOccurrences(of: "the cell called", with: "it called") ?? "it ended"
        onEvent(
          .stderr(
            "[the executor died after the last cell (\(how)); its state after that cell was restored]\n"))
      case .timeout, .closed: return
      case .ready, .cellEnded, .cellSkipped, .loaded, .loadFailed: continue
      }
    }
  }

  /// Loads the library at `library` into the executor for good, passing on output while it
  /// waits; nil when it is loaded, else why not.
  func load(library: String, onEvent: (ExecutorEvent) -> Void) -> String? {
    guard send(.load(library: library)) else { return "the executor is gone; the packages were not loaded" }
    let deadline = Date().addingTimeInterval(60)
    while Date() < deadline {
      switch nextReply(timeout: 1, onEvent: onEvent) {
      case .loaded: return nil
      case .loadFailed(let reason): return reason
      case .closed: return "the executor exited while loading \(library)"
      case .ready, .cellEnded, .cellSkipped, .restored, .timeout: continue
      }
    }
    return "the executor did not load \(library) within 60 s"
  }
}
