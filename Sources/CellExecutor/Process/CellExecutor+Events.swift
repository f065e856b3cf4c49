import Foundation

// MARK: - Following a running cell

extension CellExecutor {
  /// Written to stderr the first time in a cell that `readLine()` finds input not allowed.
  static let noInputNotice =
    "readLine() returned nil: this frontend does not take input for this cell (allow_stdin is false).\n"

  /// Reads events until the cell is done, the executor dies, or an interrupt times out.
  func waitForCell(
    _ cell: CompiledCell, process: ExecutorProcess,
    readInput: ((_ prompt: String, _ password: Bool) -> String?)?, onEvent: (ExecutorEvent) -> Void
  ) -> CellOutcome {
    var stderrText = ""
    var loadFailure: String?
    var thrown: CellError?
    var killedAt: Date?
    var saidWhyNoInput = false
    while true {
      switch process.nextMessage(timeout: 0.05) {
      case .event(let object):
        let kind = object["kind"] as? String
        if kind == "done" {
          if let loadFailure {
            return .runtimeError(CellError(ename: "LoadError", evalue: loadFailure, traceback: [loadFailure]))
          }
          if let thrown {
            _ = takeInterruptRequest()
            return .uncaughtError(thrown)
          }
          updateCells { $0.append(cell) }
          return takeInterruptRequest() ? .interrupted(nil) : .success
        }
        if kind == "skipped" {
          _ = takeInterruptRequest()
          return .interrupted(Self.interruptedBeforeRunning)
        }
        if kind == "restored", let pid = (object["pid"] as? NSNumber)?.int32Value {
          let ended = process.adoptRestored(pid: pid)
          refreshProcessID()
          _ = takeInterruptRequest()
          if killedAt != nil {
            return .interrupted(
              CrashReport.killedAfterInterrupt(grace: configuration.interruptGracePeriod, restored: true))
          }
          return .rolledBack(
            CrashReport.error(stderr: stderrText + process.crashReport(), termination: ended, restored: true))
        }
        if kind == "input" {
          if readInput == nil && !saidWhyNoInput {
            saidWhyNoInput = true
            onEvent(.stderr(Self.noInputNotice))
          }
          let prompt = object["prompt"] as? String ?? ""
          process.answerInput(readInput?(prompt, object["password"] as? Bool ?? false))
        }
        if kind == "nosnapshot" {
          fputs(
            "realnvp-kernel: a cell runs without a snapshot: \(object["message"] as? String ?? "")\n", stderr)
        }
        if kind == "failed" { loadFailure = object["message"] as? String ?? "the cell could not run" }
        if kind == "thrown" { thrown = EventDecoding.thrownError(from: object) }
        if let event = EventDecoding.event(from: object) {
          if case .stderr(let text) = event {
            stderrText += text
            if stderrText.utf8.count > 65536 { stderrText = String(stderrText.suffix(16384)) }
          }
          onEvent(event)
        }
      case .timeout:
        if let killedAt {
          // The snapshot reports within milliseconds; if it does not, start afresh.
          guard Date().timeIntervalSince(killedAt) > Self.restoreTimeout else { continue }
          process.terminate()
          return .interrupted(restartAfterInterrupt())
        }
        if let deadline = currentInterruptDeadline(), Date() >= deadline {
          process.signal(SIGKILL)
          killedAt = Date()
        }
      case .closed:
        let ended = process.waitForExit()
        _ = takeInterruptRequest()
        if killedAt != nil { return .interrupted(restartAfterInterrupt()) }
        return .runtimeError(
          restartAfterCrash(stderr: stderrText + process.crashReport(), termination: ended))
      }
    }
  }

  /// Seconds to wait for the snapshot's `restored` event after killing a cell.
  static let restoreTimeout = 10.0

  /// The error of a cell interrupted before it started (while its snapshot was being taken).
  static let interruptedBeforeRunning = CellError(
    ename: "Interrupted", evalue: "the cell was interrupted before it ran; earlier state is kept",
    traceback: ["Interrupted: the cell was interrupted before it started; earlier state is kept."])

  /// The error of a cell whose compile an interrupt cancelled.
  static let compileCancelled = CellError(
    ename: "Interrupted", evalue: "the compile was cancelled; nothing ran and earlier state is kept",
    traceback: ["Interrupted: the cell's compile was cancelled before it ran; earlier state is kept."])

  /// Passes on what arrived since the last cell (output of background threads), and adopts
  /// the snapshot if the executor died meanwhile.
  func takeEventsBetweenCells(from process: ExecutorProcess, onEvent: (ExecutorEvent) -> Void) {
    while case .event(let object) = process.nextMessage(timeout: 0.001) {
      if object["kind"] as? String == "restored", let pid = (object["pid"] as? NSNumber)?.int32Value {
        let ended = process.adoptRestored(pid: pid)
        refreshProcessID()
        let how = ended?.phrase.replacingOccurrences(of: "the cell called", with: "it called") ?? "it ended"
        onEvent(
          .stderr(
            "[the executor died after the last cell (\(how)); its state after that cell was restored]\n"))
      } else if let event = EventDecoding.event(from: object) {
        onEvent(event)
      }
    }
  }
}
