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

  /// A bundle from an event's `data` and `metadata`: string payloads as they are, any other
  /// payload as JSON text; integer-only metadata objects as integers, the rest as JSON text.
  static func bundle(from object: [String: Any]) -> OutputBundle {
    var bundle = OutputBundle(data: [:])
    for (mime, value) in object["data"] as? [String: Any] ?? [:] {
      if let text = value as? String {
        bundle.data[mime] = text
      } else if let json = jsonText(value) {
        bundle.jsonData[mime] = json
      }
    }
    for (key, value) in object["metadata"] as? [String: Any] ?? [:] {
      if let entries = value as? [String: Any], let integers = integerEntries(entries) {
        bundle.metadata[key] = integers
      } else if let json = jsonText(value) {
        bundle.jsonMetadata[key] = json
      }
    }
    return bundle
  }

  /// The entries if every one is a whole number (not a Boolean), else nil.
  private static func integerEntries(_ entries: [String: Any]) -> [String: Int]? {
    var result: [String: Int] = [:]
    for (name, value) in entries {
      guard let number = value as? NSNumber, !isBoolean(number), let whole = Int(exactly: number.doubleValue)
      else { return nil }
      result[name] = whole
    }
    return result
  }

  private static func isBoolean(_ number: NSNumber) -> Bool {
    String(cString: number.objCType) == "c"
  }

  private static func jsonText(_ value: Any) -> String? {
    guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed])
    else { return nil }
    return String(decoding: data, as: UTF8.self)
  }
}
