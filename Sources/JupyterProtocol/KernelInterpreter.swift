import ExecutorWire
import Foundation

// MARK: - KernelInterpreter

/// The language behind the kernel: what the kernel core asks, knowing nothing of ZeroMQ.
///
/// `execute` runs on the kernel's shell worker, one request at a time; `interrupt` arrives
/// on the control worker while `execute` may be running, so it must be thread-safe.
/// The other methods run on the shell worker between executions.
public protocol KernelInterpreter: AnyObject {
  /// Names, versions and banner for `kernel_info_reply`.
  func kernelInfo() -> KernelInfo

  /// Runs code; calls `publish` for each output as it happens and returns the outcome.
  ///
  /// Every `publish` call must happen before `execute` returns; later ones are dropped.
  func execute(_ request: ExecuteRequest, publish: @escaping (OutputEvent) -> Void) -> ExecuteOutcome

  /// Whether `code` is ready to run.
  func isComplete(_ code: String) -> IsCompleteResult

  /// Completions at `cursorPos`, counted in Unicode code points.
  func complete(_ code: String, cursorPos: Int) -> CompletionResult

  /// A MIME bundle describing the name at `cursorPos` (code points), or nil if nothing is known.
  func inspect(_ code: String, cursorPos: Int, detailLevel: Int) -> [String: String]?

  /// Asks the running `execute` to stop soon; called from another thread.
  func interrupt()

  /// Releases resources before the kernel exits (or restarts when `restart` is true).
  func shutdown(restart: Bool)

  /// Evaluates each named expression after a successful execute (`user_expressions`).
  func evaluate(userExpressions: [String: String]) -> [String: UserExpressionResult]

  /// Hands a comm message from the frontend to the code behind the kernel (between cells or
  /// while one runs; called on the kernel's comm worker); `publish` shows what its handler
  /// shows, as a child of the frontend's message (`parentID` is that message's msg_id).
  func handleComm(
    _ message: CommMessage, parentID: String, publish: @escaping (OutputEvent) -> Void
  ) -> CommHandling
}

// MARK: - Kernel info

/// The `language_info` part of `kernel_info_reply`.
public struct LanguageInfo: Equatable, Sendable {
  /// Language name, e.g. `swift`.
  public var name: String
  /// Language version, e.g. `6.3.1`.
  public var version: String
  /// MIME type of a script, e.g. `text/x-swift`.
  public var mimetype: String
  /// File extension with its dot, e.g. `.swift`.
  public var fileExtension: String
  /// Pygments lexer name.
  public var pygmentsLexer: String
  /// CodeMirror mode name.
  public var codemirrorMode: String

  /// Creates language info; the defaults describe Swift.
  public init(
    name: String = "swift", version: String, mimetype: String = "text/x-swift",
    fileExtension: String = ".swift", pygmentsLexer: String = "swift", codemirrorMode: String = "swift"
  ) {
    self.name = name
    self.version = version
    self.mimetype = mimetype
    self.fileExtension = fileExtension
    self.pygmentsLexer = pygmentsLexer
    self.codemirrorMode = codemirrorMode
  }
}

/// A help link shown in the frontend's Help menu.
public struct HelpLink: Equatable, Sendable {
  /// Menu text.
  public var text: String
  /// Target address.
  public var url: String

  /// Creates a help link.
  public init(text: String, url: String) {
    self.text = text
    self.url = url
  }
}

/// Everything `kernel_info_reply` says about the implementation and its language.
public struct KernelInfo: Equatable, Sendable {
  /// Kernel implementation name.
  public var implementation: String
  /// Kernel implementation version.
  public var implementationVersion: String
  /// The language.
  public var languageInfo: LanguageInfo
  /// Text shown when a console starts.
  public var banner: String
  /// Links for the Help menu.
  public var helpLinks: [HelpLink]

  /// Creates kernel info.
  public init(
    implementation: String, implementationVersion: String, languageInfo: LanguageInfo, banner: String,
    helpLinks: [HelpLink] = []
  ) {
    self.implementation = implementation
    self.implementationVersion = implementationVersion
    self.languageInfo = languageInfo
    self.banner = banner
    self.helpLinks = helpLinks
  }
}

/// The value of one `user_expressions` entry, as execute_reply carries it.
public enum UserExpressionResult: Equatable, Sendable {
  /// Evaluated: a MIME bundle of the value.
  case ok(data: [String: String])
  /// Failed to compile or run.
  case error(ename: String, evalue: String, traceback: [String])

  /// The reply's JSON for this entry.
  var json: JSONValue {
    switch self {
    case .ok(let data):
      return ["status": "ok", "data": .object(data.mapValues(JSONValue.string)), "metadata": [:]]
    case .error(let ename, let evalue, let traceback):
      return [
        "status": "error", "ename": .string(ename), "evalue": .string(evalue),
        "traceback": .array(traceback.map(JSONValue.string)),
      ]
    }
  }
}

/// How the code behind the kernel handled a comm message from the frontend.
public enum CommHandling: Equatable, Sendable {
  /// A comm (or, for an open, a registered target) took it.
  case handled
  /// Nothing took it: no such comm or target (an open was answered with comm_close).
  case unknown
  /// Its handler crashed and was rolled back; the error was shown (published) already.
  case rolledBack(ename: String, evalue: String)
  /// This interpreter has no comms: opens are answered with comm_close, the rest dropped.
  case unsupported
}

extension KernelInterpreter {
  /// Interpreters without comms answer every comm message with `unsupported`.
  public func handleComm(
    _ message: CommMessage, parentID: String, publish: @escaping (OutputEvent) -> Void
  ) -> CommHandling {
    .unsupported
  }

  /// Interpreters that cannot evaluate expressions answer each with an error saying so.
  public func evaluate(userExpressions: [String: String]) -> [String: UserExpressionResult] {
    userExpressions.mapValues { _ in
      .error(
        ename: "NotSupported", evalue: "this interpreter does not evaluate user_expressions", traceback: [])
    }
  }
}
