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

/// The answer to Jupyter's `is_complete_request`.
public enum CodeCompleteness: Equatable, Sendable {
  /// The code can run as it is.
  case complete
  /// More input could complete the code; `indent` is a suggestion for the next line.
  case incomplete(indent: String)
  /// The code has an error that more input cannot fix.
  case invalid
}

/// Completion candidates for the text between `cursorStart` and `cursorEnd`.
public struct CompletionMatches: Equatable, Sendable {
  /// Candidate texts, best first.
  public var matches: [String]
  /// Start of the replaced range, in Unicode scalars from the start of the code.
  public var cursorStart: Int
  /// End of the replaced range, in Unicode scalars from the start of the code.
  public var cursorEnd: Int
  /// Per match, when known: its kind in Jupyter's words (`function`, `class`, `instance`,
  /// `keyword`, `module`) and its signature or type; empty when there are none.
  public var details: [CompletionDetail]

  /// Creates a set of matches.
  public init(matches: [String], cursorStart: Int, cursorEnd: Int, details: [CompletionDetail] = []) {
    self.matches = matches
    self.cursorStart = cursorStart
    self.cursorEnd = cursorEnd
    self.details = details
  }
}

/// What a completion front end may show next to a match.
public struct CompletionDetail: Equatable, Sendable {
  /// The match it describes.
  public var text: String
  /// Jupyter's kind of the match (`function`, `class`, `instance`, `keyword`, `module`).
  public var type: String
  /// The signature or type, e.g. `append(_ newElement: Int)` or `Int`.
  public var signature: String

  /// Creates a detail from its parts.
  public init(text: String, type: String, signature: String) {
    self.text = text
    self.type = type
    self.signature = signature
  }
}
