import ExecutorWire
import Foundation

// MARK: - ExecuteRequest

/// One `execute_request` as the interpreter sees it.
public struct ExecuteRequest {
  /// The cell's source.
  public var code: String
  /// Run quietly: no execute_input, no execute_result, no history.
  public var silent: Bool
  /// Whether the cell enters the history and bumps the execution count.
  public var storeHistory: Bool
  /// Whether the frontend can answer input requests.
  public var allowStdin: Bool
  /// Whether an error aborts the execute requests queued behind this one.
  public var stopOnError: Bool
  /// The msg_id of the execute request (outputs captured by an `Output` widget name it).
  public var messageID: String
  /// The execution count this cell is shown with.
  public var executionCount: Int
  /// Asks the frontend for a line of input (prompt, password); nil if stdin is not allowed,
  /// the request was interrupted or the kernel is shutting down.
  public var readInput: (_ prompt: String, _ password: Bool) -> String?

  /// Creates a request; `readInput` defaults to "no stdin".
  public init(
    code: String, silent: Bool = false, storeHistory: Bool = true, allowStdin: Bool = false,
    stopOnError: Bool = true, executionCount: Int = 1, messageID: String = "",
    readInput: @escaping (_ prompt: String, _ password: Bool) -> String? = { _, _ in nil }
  ) {
    self.messageID = messageID
    self.code = code
    self.silent = silent
    self.storeHistory = storeHistory
    self.allowStdin = allowStdin
    self.stopOnError = stopOnError
    self.executionCount = executionCount
    self.readInput = readInput
  }
}

// MARK: - Outputs

/// Which output stream a piece of text belongs to.
public enum StreamName: String, Sendable {
  /// Standard output.
  case stdout
  /// Standard error.
  case stderr
}

/// A rich output: MIME type to payload, per-type metadata and an optional display id.
public struct MimeOutput: Equatable, Sendable {
  /// MIME type to payload (base64 text for binary types).
  public var data: [String: JSONValue]
  /// MIME type to metadata.
  public var metadata: [String: JSONValue]
  /// The id under which a later `update_display_data` replaces this output.
  public var displayID: String?

  /// Creates a rich output.
  public init(data: [String: JSONValue], metadata: [String: JSONValue] = [:], displayID: String? = nil) {
    self.data = data
    self.metadata = metadata
    self.displayID = displayID
  }

  /// The Jupyter form of a cell's MIME bundle: text payloads as strings, JSON payloads and
  /// metadata as JSON values.
  public init(_ bundle: MimeBundle, displayID: String? = nil) {
    self.init(data: bundle.jupyterData, metadata: bundle.jupyterMetadata, displayID: displayID)
  }

  /// An output holding only `text/plain`.
  public static func plainText(_ text: String) -> MimeOutput {
    MimeOutput(data: ["text/plain": .string(text)])
  }
}

/// Something a running cell shows, published on IOPub as it happens.
public enum OutputEvent: Equatable, Sendable {
  /// Text on stdout or stderr (`stream`).
  case stream(StreamName, String)
  /// A new rich output (`display_data`).
  case displayData(MimeOutput)
  /// Replaces the output with the same display id (`update_display_data`).
  case updateDisplayData(MimeOutput)
  /// Clears the cell's output (`clear_output`); with `wait`, when the next output arrives.
  case clearOutput(wait: Bool)
  /// The value of the cell's final expression (`execute_result`); dropped for silent requests.
  case executeResult(MimeOutput)
  /// A comm message to the frontend (`comm_open`, `comm_msg`, `comm_close`).
  case comm(CommMessage)
  /// An error shown as an output (`error`), such as one a widget's callback threw.
  case error(ename: String, evalue: String, traceback: [String])
}

// MARK: - Outcomes

/// How an execution ended.
public enum ExecuteOutcome: Equatable, Sendable {
  /// Finished normally.
  case ok
  /// Finished normally and asks the frontend to page this MIME bundle (IPython's `?name`).
  case okWithPage([String: String])
  /// Failed; published as an `error` output and an error reply.
  case error(ename: String, evalue: String, traceback: [String])
  /// Did not run (for example, cancelled before it started); replied as an error.
  case aborted
}

/// The answer to `is_complete_request`.
public enum IsCompleteResult: Equatable, Sendable {
  /// Ready to run.
  case complete
  /// Needs more lines; `indent` is the suggested indentation of the next one.
  case incomplete(indent: String)
  /// Cannot become valid by adding lines.
  case invalid
  /// The interpreter cannot tell.
  case unknown
}

/// The answer to `complete_request`: matches replacing code points `cursorStart..<cursorEnd`.
public struct CompletionResult: Equatable, Sendable {
  /// Candidate texts.
  public var matches: [String]
  /// First replaced code point.
  public var cursorStart: Int
  /// End of the replaced range (code points).
  public var cursorEnd: Int
  /// Extra information, e.g. `_jupyter_types_experimental`.
  public var metadata: [String: JSONValue]

  /// Creates a completion result.
  public init(matches: [String], cursorStart: Int, cursorEnd: Int, metadata: [String: JSONValue] = [:]) {
    self.matches = matches
    self.cursorStart = cursorStart
    self.cursorEnd = cursorEnd
    self.metadata = metadata
  }
}

// MARK: - Code points

extension String {
  /// The index `codePoints` Unicode scalars from the start, clamped to the string's bounds.
  public func index(atCodePoint codePoints: Int) -> String.Index {
    let scalars = unicodeScalars
    return scalars.index(scalars.startIndex, offsetBy: max(0, codePoints), limitedBy: scalars.endIndex)
      ?? scalars.endIndex
  }

  /// The number of Unicode scalars, the unit of Jupyter's `cursor_pos`.
  public var codePointCount: Int { unicodeScalars.count }
}
