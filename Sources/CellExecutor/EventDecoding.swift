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
