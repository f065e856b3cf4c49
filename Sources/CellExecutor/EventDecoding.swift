import Foundation

// MARK: - Events from the executor

/// Decodes the executor's JSON event objects (see realnvp-executor's EventWriter).
enum EventDecoding {
  /// The event an object describes, or nil for control messages (`ready`, `done`, `failed`).
  static func event(from object: [String: Any]) -> ExecutorEvent? {
    switch object["kind"] as? String {
    case "stdout": return (object["text"] as? String).map { .stdout($0) }
    case "stderr": return (object["text"] as? String).map { .stderr($0) }
    case "display": return .display(bundle(from: object), id: object["id"] as? String)
    case "update": return .updateDisplay(bundle(from: object), id: object["id"] as? String ?? "")
    case "result": return .result(bundle(from: object))
    case "clear": return .clearOutput(wait: object["wait"] as? Bool ?? false)
    default: return nil
    }
  }

  /// The error of a `thrown` message: a cell's top-level code threw and nothing caught it.
  static func thrownError(from object: [String: Any]) -> CellError {
    let type = object["type"] as? String ?? "Error"
    let message = object["message"] as? String ?? "an error was thrown"
    return CellError(
      ename: type, evalue: message,
      traceback: [
        "\(type): \(message)", "",
        "The cell threw at top level: its definitions were discarded; earlier cells' state is kept.",
      ])
  }

  private static func bundle(from object: [String: Any]) -> OutputBundle {
    let data = object["data"] as? [String: String] ?? [:]
    var metadata: [String: [String: Int]] = [:]
    for (mime, value) in object["metadata"] as? [String: Any] ?? [:] {
      guard let entries = value as? [String: Any] else { continue }
      metadata[mime] = entries.compactMapValues { ($0 as? NSNumber)?.intValue }
    }
    return OutputBundle(data: data, metadata: metadata)
  }
}

// MARK: - Crash reports

/// Builds the error shown when a cell crashed the executor.
enum CrashReport {
  /// The sentence that tells the user what a crash costs them.
  static let stateLost = "The executor was restarted: variables and definitions from earlier cells are lost."

  /// A `RuntimeError` whose value is the runtime's "Fatal error: ..." message when there is one.
  static func error(stderr: String, signal: Int32?) -> CellError {
    let lines = stderr.components(separatedBy: "\n")
    if let fatal = lines.first(where: { $0.contains("Fatal error") }) {
      let message = fatal.components(separatedBy: "Fatal error").last ?? fatal
      let value = message.drop { $0 == ":" || $0 == " " }
      return CellError(
        ename: "RuntimeError", evalue: "Fatal error: \(value)", traceback: [fatal, "", stateLost])
    }
    let how =
      signal.map { "the executor stopped with signal \($0) (\(signalName($0)))" }
      ?? "the executor exited while running the cell"
    let tail = lines.filter { !$0.isEmpty }.suffix(5)
    return CellError(ename: "RuntimeError", evalue: how, traceback: Array(tail) + ["", stateLost])
  }

  private static func signalName(_ number: Int32) -> String {
    switch number {
    case SIGILL: return "SIGILL, a trap"
    case SIGTRAP: return "SIGTRAP, a trap"
    case SIGSEGV: return "SIGSEGV, bad memory access"
    case SIGBUS: return "SIGBUS, bad memory access"
    case SIGFPE: return "SIGFPE, arithmetic error"
    case SIGABRT: return "SIGABRT, abort"
    case SIGKILL: return "SIGKILL, killed"
    default: return "signal \(number)"
    }
  }
}
