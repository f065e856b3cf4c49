import ExecutorWire
import Foundation

// MARK: - Commands from the kernel

/// Reads `ExecutorCommand`s, one JSON line each, from the kernel's command descriptor.
///
/// While a cell runs only comm deliveries are handled; any other command waits until the
/// command loop asks for the next one (the kernel sends none then, so this is a safeguard).
final class CommandReader {
  private let fd: Int32
  private var buffer = LineBuffer()
  private var deferred: [ExecutorCommand] = []
  private var chunk = [UInt8](repeating: 0, count: 65536)

  /// A reader of `fd`, which it never closes.
  init(fd: Int32) { self.fd = fd }

  /// Reads what has arrived (waiting for it when the descriptor blocks); false at end of file
  /// or on an error, when the kernel is gone.
  func readAvailable() -> Bool {
    while true {
      let count = read(fd, &chunk, chunk.count)
      if count < 0 && errno == EINTR { continue }
      if count < 0 && errno == EAGAIN { return true }
      if count <= 0 { return false }
      buffer.append(chunk[..<count])
      return true
    }
  }

  /// The next command, those kept back during a cell first; nil when none is complete.
  func next() -> ExecutorCommand? {
    if !deferred.isEmpty { return deferred.removeFirst() }
    return nextLine()
  }

  /// While a cell runs: the next comm delivery or recovery; other commands are kept for `next()`.
  func nextDuringCell() -> ExecutorCommand? {
    while let command = nextLine() {
      switch command {
      case .comm, .recover: return command
      case .run, .load, .exit: deferred.append(command)
      }
    }
    return nil
  }

  private func nextLine() -> ExecutorCommand? {
    guard let line = buffer.nextLine() else { return nil }
    guard let command = JSONLines.decode(ExecutorCommand.self, from: line) else {
      preconditionFailure("realnvp-executor: not a command: \(String(decoding: line, as: UTF8.self))")
    }
    return command
  }
}
