import Foundation
import NotebookDisplay

// MARK: - Event wire format

/// Writes events to the kernel as JSON lines on one file descriptor, one writer at a time.
///
/// Every event is one JSON object with a `kind` key: `stdout`, `stderr` (with `text`),
/// `display`, `update`, `result` (with `data`, `metadata`, optional `id`; a payload is a string,
/// or a JSON value for JSON MIME types), `clear` (with `wait`), `ready`, `done` and `failed`
/// (with `message`); `loaded` after a `load` command; for snapshots `restored` (with `pid`),
/// `skipped` and `nosnapshot` (with `message`); `input` asks for a line of stdin.
final class EventWriter: @unchecked Sendable {
  private let fd: Int32
  private let lock = NSLock()

  /// Creates a writer for an open descriptor that it never closes.
  init(fd: Int32) { self.fd = fd }

  /// Runs `body` while holding the writer's lock, so that a drain and an event stay together.
  func locked<T>(_ body: () -> T) -> T {
    lock.lock()
    defer { lock.unlock() }
    return body()
  }

  /// Writes one event; the caller must hold the lock (see `locked`).
  func writeUnlocked(_ object: [String: Any]) {
    guard var data = try? JSONSerialization.data(withJSONObject: object, options: []) else {
      return
    }
    data.append(0x0A)
    data.withUnsafeBytes { raw in
      var offset = 0
      while offset < raw.count {
        let written = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          return
        }
        offset += written
      }
    }
  }

  /// Writes one event under the lock.
  func write(_ object: [String: Any]) {
    locked { writeUnlocked(object) }
  }
}

// MARK: - Display events as JSON

extension DisplayEvent {
  /// The JSON object that carries this event to the kernel.
  var wireObject: [String: Any] {
    switch self {
    case .display(let bundle, let id):
      var object = Self.bundleObject(bundle, kind: "display")
      if let id { object["id"] = id }
      return object
    case .update(let bundle, let id):
      var object = Self.bundleObject(bundle, kind: "update")
      object["id"] = id
      return object
    case .result(let bundle):
      return Self.bundleObject(bundle, kind: "result")
    case .clearOutput(let wait):
      return ["kind": "clear", "wait": wait]
    }
  }

  /// The bundle as `data` and `metadata` objects: JSON payloads as JSON values next to the
  /// strings, JSON metadata merged over the integer metadata of the same MIME type.
  private static func bundleObject(_ bundle: MimeBundle, kind: String) -> [String: Any] {
    var data: [String: Any] = bundle.data
    for (mime, value) in bundle.json { data[mime] = value.jsonObject }
    var metadata: [String: Any] = bundle.metadata
    for (key, value) in bundle.jsonMetadata {
      if case .object(let members) = value, var merged = metadata[key] as? [String: Any] {
        for (name, member) in members { merged[name] = member.jsonObject }
        metadata[key] = merged
      } else {
        metadata[key] = value.jsonObject
      }
    }
    return ["kind": kind, "data": data, "metadata": metadata]
  }
}
