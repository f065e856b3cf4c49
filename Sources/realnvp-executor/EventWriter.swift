import ExecutorWire
import Foundation
import NotebookDisplay

// MARK: - Messages to the kernel

/// Writes `ExecutorMessage`s to the kernel as JSON lines on one descriptor, one writer at a time.
final class EventWriter: @unchecked Sendable {
  private let fd: Int32
  private let lock = NSLock()

  /// Creates a writer for an open descriptor that it never closes.
  init(fd: Int32) { self.fd = fd }

  /// Runs `body` while holding the writer's lock, so that a drain and a message stay together.
  func locked<T>(_ body: () -> T) -> T {
    lock.lock()
    defer { lock.unlock() }
    return body()
  }

  /// Writes one message; the caller must hold the lock (see `locked`).
  func writeUnlocked(_ message: ExecutorMessage) {
    JSONLines.write(message, to: fd)
  }

  /// Writes one message under the lock.
  func write(_ message: ExecutorMessage) {
    locked { writeUnlocked(message) }
  }
}

// MARK: - Display events as messages

extension DisplayEvent {
  /// The message that carries this event to the kernel.
  var message: ExecutorMessage {
    switch self {
    case .display(let bundle, let id): return .output(.display(bundle, id: id))
    case .update(let bundle, let id): return .output(.updateDisplay(bundle, id: id))
    case .result(let bundle): return .output(.result(bundle))
    case .clearOutput(let wait): return .output(.clearOutput(wait: wait))
    case .comm(let message): return .output(.comm(message))
    case .error(let ename, let evalue, let traceback):
      return .output(.error(ename: ename, evalue: evalue, traceback: traceback))
    }
  }
}
