// MARK: - How a cell ended

/// An error reported to the notebook: a name, a message and readable lines.
public struct CellError: Equatable, Sendable, Error, CustomStringConvertible {
  /// The kind of error, e.g. `CompileError`, `RuntimeError`, `Interrupted`.
  public var ename: String
  /// The one-line message.
  public var evalue: String
  /// Lines to show (diagnostics with the cell's own line:column, or the crash report).
  public var traceback: [String]

  /// Creates an error from its parts.
  public init(ename: String, evalue: String, traceback: [String]) {
    self.ename = ename
    self.evalue = evalue
    self.traceback = traceback
  }

  /// `ename: evalue`.
  public var description: String { "\(ename): \(evalue)" }
}

extension CellError {
  /// The error of a cell interrupted before it started (while its snapshot was being taken).
  static let interruptedBeforeRunning = CellError(
    ename: "Interrupted", evalue: "the cell was interrupted before it ran; earlier state is kept",
    traceback: ["Interrupted: the cell was interrupted before it started; earlier state is kept."])

  /// The error of a cell whose compile an interrupt cancelled.
  static let compileCancelled = CellError(
    ename: "Interrupted", evalue: "the compile was cancelled; nothing ran and earlier state is kept",
    traceback: ["Interrupted: the cell's compile was cancelled before it ran; earlier state is kept."])
}

/// How a cell ended.
public enum CellOutcome: Equatable, Sendable {
  /// The cell ran to its end.
  case success
  /// The cell did not compile; nothing ran and earlier state is intact.
  case compileError(CellError)
  /// The cell crashed the executor and no snapshot was left, so a fresh executor was started;
  /// state from earlier cells is lost.
  case runtimeError(CellError)
  /// The cell ended the process running it (a trap, `exit()`, a fatal signal); the snapshot
  /// from before the cell took over, so earlier state is kept and the cell's effects are gone.
  case rolledBack(CellError)
  /// The cell's top-level code threw an error nobody caught: the cell's own definitions are
  /// discarded, earlier state is kept.
  case uncaughtError(CellError)
  /// The cell was interrupted: `nil` when it returned cooperatively (state kept), else an
  /// error saying that the compile was cancelled, or that the cell was killed and rolled back
  /// (or, without a snapshot, that the executor was restarted and state lost).
  case interrupted(CellError?)
}
