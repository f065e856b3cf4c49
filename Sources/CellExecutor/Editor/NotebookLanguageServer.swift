import Foundation

// MARK: - sourcekit-lsp for the notebook

/// Runs the toolchain's `sourcekit-lsp` for a notebook: started in the background on first use,
/// warmed up with a first completion, fed the notebook as one document (`NotebookDocument`),
/// and asked with a deadline. A request waits for a starting server until its deadline; when the
/// server is not ready by then, after it dies or when it is missing, requests return nil and
/// callers use the symbol index instead; nothing here waits on a running cell.
final class NotebookLanguageServer: @unchecked Sendable {
  /// The server's compile setup: where its document lives and the compiler arguments for it.
  struct Setup: Equatable {
    /// The folder holding `main.swift` and `compile_commands.json`.
    var folder: String
    /// `swiftc` arguments without the file (`-I` for the library and the cells' modules).
    var arguments: [String]
  }

  private enum State {
    case stopped
    case starting
    case ready(LanguageServer)
    case unavailable
  }

  private let executable: String?
  /// Seconds each request may take before the caller falls back.
  let deadline: Double
  /// Guards the state; broadcast when a start ends, so that waiting requests look again.
  private let lock = NSCondition()
  private let documentLock = NSLock()
  private var state = State.stopped
  /// The setup of the server that is running or starting.
  private var serverSetup: Setup?
  private var openedText: String?
  private var version = 0
  private var starts = 0

  /// A server run from `executable` (nil: never, every request returns nil).
  init(executable: String?, deadline: Double) {
    self.executable = executable
    self.deadline = deadline
  }

  deinit { stop() }

  /// Stops the server; the next request starts it again.
  func stop() {
    lock.lock()
    let running = state
    if case .unavailable = state {} else { state = .stopped }
    openedText = nil
    lock.broadcast()
    lock.unlock()
    if case .ready(let server) = running { server.stop() }
  }

  /// Whether a server for `setup` is running and warmed up, so that a request needs no start.
  func isReady(for setup: Setup) -> Bool {
    lock.lock()
    defer { lock.unlock() }
    guard serverSetup == setup, case .ready(let server) = state else { return false }
    return server.isAlive
  }

  /// Sends `method` for `document` at `position` (the document is synchronized first); returns
  /// the result, or nil when the server is not ready within `timeout` (the deadline by default;
  /// a server that is not running is started), fails, or misses the rest of it.
  func request(
    _ method: String, document: NotebookDocument, position: (line: Int, character: Int), setup: Setup,
    timeout: Double? = nil
  ) -> Any? {
    let until = Date().addingTimeInterval(timeout ?? deadline)
    guard let server = readyServer(for: setup, waitingUntil: until) else { return nil }
    documentLock.lock()
    defer { documentLock.unlock() }
    let uri = Self.fileURI(setup.folder + "/main.swift")
    if openedText != document.text {
      version += 1
      server.notify(
        "textDocument/didChange",
        [
          "textDocument": ["uri": uri, "version": version],
          "contentChanges": [["text": document.text]],
        ])
      openedText = document.text
    }
    let left = until.timeIntervalSinceNow
    guard left > 0 else { return nil }
    return server.request(
      method,
      [
        "textDocument": ["uri": uri],
        "position": ["line": position.line, "character": position.character],
      ], timeout: left)
  }

  // MARK: - Starting

  /// The ready server for `setup`: one that is not running is started in the background, and
  /// one that is starting is waited for until `until`; nil when none is ready by then.
  private func readyServer(for setup: Setup, waitingUntil until: Date) -> LanguageServer? {
    lock.lock()
    defer { lock.unlock() }
    var startedHere = false
    while true {
      switch state {
      case .ready(let old) where serverSetup != setup:
        state = .stopped
        lock.unlock()
        old.stop()
        lock.lock()
      case .ready(let server) where server.isAlive:
        return server
      case .ready, .stopped:
        // A start that failed in this request is tried again by the next one, not this one.
        guard let executable, starts < 3, !startedHere else {
          if starts >= 3 || executable == nil { state = .unavailable }
          return nil
        }
        starts += 1
        startedHere = true
        state = .starting
        serverSetup = setup
        Thread.detachNewThread { [self] in start(executable, setup: setup) }
      case .starting:
        guard lock.wait(until: until) else { return nil }
      case .unavailable:
        return nil
      }
    }
  }

  /// Writes the compile setup, starts the server, initializes it and warms it up.
  private func start(_ executable: String, setup: Setup) {
    let file = setup.folder + "/main.swift"
    let warmUp = NotebookDocument(imports: [], cell: "")
    let server: LanguageServer
    do {
      try FileManager.default.createDirectory(atPath: setup.folder, withIntermediateDirectories: true)
      let commands: [[String: Any]] = [
        ["directory": setup.folder, "file": file, "arguments": ["swiftc"] + setup.arguments + [file]]
      ]
      try JSONSerialization.data(withJSONObject: commands).write(
        to: URL(fileURLWithPath: setup.folder + "/compile_commands.json"))
      try warmUp.text.write(toFile: file, atomically: true, encoding: .utf8)
      server = try LanguageServer(executable: executable)
    } catch {
      finishStart(nil)
      return
    }
    let initialized = server.request(
      "initialize",
      [
        "processId": Int(getpid()), "rootUri": Self.fileURI(setup.folder),
        "capabilities": [
          "textDocument": [
            "completion": ["completionItem": ["snippetSupport": false]],
            "hover": ["contentFormat": ["markdown", "plaintext"]],
            "signatureHelp": ["signatureInformation": ["documentationFormat": ["markdown", "plaintext"]]],
          ]
        ],
      ], timeout: 30)
    guard initialized != nil else {
      server.stop()
      finishStart(nil)
      return
    }
    server.notify("initialized", [:])
    server.notify(
      "textDocument/didOpen",
      [
        "textDocument": [
          "uri": Self.fileURI(file), "languageId": "swift", "version": 0, "text": warmUp.text,
        ]
      ])
    documentLock.lock()
    openedText = warmUp.text
    version = 0
    documentLock.unlock()
    // The first completion loads the standard library and the library's modules (seconds).
    _ = server.request(
      "textDocument/completion",
      ["textDocument": ["uri": Self.fileURI(file)], "position": ["line": 0, "character": 0]], timeout: 60)
    finishStart(server)
  }

  private func finishStart(_ server: LanguageServer?) {
    lock.lock()
    if case .starting = state, let server {
      state = .ready(server)
      lock.broadcast()
      lock.unlock()
      return
    }
    if case .starting = state { state = .stopped }
    lock.broadcast()
    lock.unlock()
    server?.stop()
  }

  static func fileURI(_ path: String) -> String {
    URL(fileURLWithPath: path).absoluteString
  }
}
