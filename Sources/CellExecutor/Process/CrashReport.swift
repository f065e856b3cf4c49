import Foundation

// MARK: - Crash reports

/// Builds the error shown when a cell ended the process running it.
enum CrashReport {
  /// What the user keeps when the snapshot from before the cell took over.
  static let rolledBack =
    "The cell's effects were rolled back: variables and definitions from earlier cells are as they were before it."
  /// What the user loses when there was no snapshot to return to.
  static let stateLost = "The executor was restarted: variables and definitions from earlier cells are lost."

  /// What the user keeps when a widget's callback ended the process handling it.
  static let callbackRolledBack =
    "The callback's effects were rolled back: the notebook's state is as it was before it ran."

  /// A `RuntimeError` whose value is the runtime's "Fatal error: ..." message when there is one,
  /// else how the process ended, or a `MemoryError` when an allocation failed (see
  /// `allocationFailure(in:)`); `restored` says whether the state before the cell was kept, and
  /// `memoryLimit` is the executor's limit, named in a `MemoryError`.
  static func error(
    stderr: String, termination: Termination?, restored: Bool, memoryLimit: MemoryLimit? = nil
  ) -> CellError {
    error(
      stderr: stderr, termination: termination, restored: restored, memoryLimit: memoryLimit,
      consequence: restored ? rolledBack : stateLost,
      suffix: restored ? "; the cell was rolled back" : "; earlier state is lost")
  }

  /// The error of a comm message's handler (a widget's callback) that ended the process
  /// handling it, whose snapshot took over.
  static func callbackError(
    stderr: String, termination: Termination?, memoryLimit: MemoryLimit? = nil
  ) -> CellError {
    error(
      stderr: stderr, termination: termination, restored: true, memoryLimit: memoryLimit,
      consequence: callbackRolledBack, suffix: "; the callback was rolled back")
  }

  private static func error(
    stderr: String, termination: Termination?, restored: Bool, memoryLimit: MemoryLimit?,
    consequence: String, suffix: String
  ) -> CellError {
    let lines = stderr.components(separatedBy: "\n")
    if let failure = allocationFailure(in: lines) {
      return outOfMemory(failure, limit: memoryLimit, restored: restored)
    }
    if let fatal = lines.first(where: { $0.contains("Fatal error") }) {
      let message = fatal.components(separatedBy: "Fatal error").last ?? fatal
      let value = message.drop { $0 == ":" || $0 == " " }
      return CellError(
        ename: "RuntimeError", evalue: "Fatal error: \(value)\(suffix)", traceback: [fatal, "", consequence])
    }
    let how = termination?.phrase ?? "the executor ended while running the cell"
    let tail = lines.filter { !$0.isEmpty }.suffix(5)
    return CellError(ename: "RuntimeError", evalue: how + suffix, traceback: Array(tail) + ["", consequence])
  }

  /// The error of a comm message's handler (a widget's callback) killed after the interrupt
  /// grace period; its snapshot took over.
  static func callbackKilledAfterInterrupt(grace: Double) -> CellError {
    let what = "the callback did not stop within \(grace) s of the interrupt, so it was killed"
    return CellError(
      ename: "Interrupted", evalue: what + "; the callback was rolled back",
      traceback: ["Interrupted: \(what).", callbackRolledBack])
  }

  /// The error of a cell killed after the interrupt grace period.
  static func killedAfterInterrupt(grace: Double, restored: Bool) -> CellError {
    let what = "the cell did not stop within \(grace) s of the interrupt, so it was killed"
    guard restored else {
      return CellError(
        ename: "Interrupted", evalue: what + "; earlier state is lost",
        traceback: ["Interrupted: \(what).", stateLost])
    }
    return CellError(
      ename: "Interrupted", evalue: what + "; the cell was rolled back",
      traceback: ["Interrupted: \(what).", rolledBack])
  }
}

// MARK: - How a process ended

/// How the executor process ended: an exit status or a signal.
enum Termination: Equatable, Sendable {
  /// It called `exit` (or returned from `main`) with this status.
  case exited(Int32)
  /// A signal ended it.
  case signaled(Int32)

  /// Decodes a `waitpid` status.
  init(waitStatus status: Int32) {
    let signalNumber = status & 0x7F
    self = signalNumber == 0 ? .exited((status >> 8) & 0xFF) : .signaled(signalNumber)
  }

  /// A phrase for error messages, e.g. "the cell called exit(3)".
  var phrase: String {
    switch self {
    case .exited(let code): return "the cell called exit(\(code))"
    case .signaled(let number): return "the executor stopped with signal \(number) (\(Self.name(of: number)))"
    }
  }

  /// The signal's name and what it usually means.
  static func name(of number: Int32) -> String {
    switch number {
    case SIGILL: return "SIGILL, a trap"
    case SIGTRAP: return "SIGTRAP, a trap"
    case SIGSEGV: return "SIGSEGV, bad memory access"
    case SIGBUS: return "SIGBUS, bad memory access"
    case SIGFPE: return "SIGFPE, arithmetic error"
    case SIGABRT: return "SIGABRT, abort"
    case SIGKILL: return "SIGKILL, killed: by another process, or by the system when memory ran out"
    case SIGTERM: return "SIGTERM, terminated"
    default: return "signal \(number)"
    }
  }
}
