import CCellSupport
import ExecutorWire
import Foundation

// MARK: - readLine() through the notebook

/// Answers a cell's reads of standard input (`readLine()`) with lines the kernel asks the
/// frontend for: an `inputRequest` goes out, and the kernel writes an `InputReply` as one JSON
/// line on `ExecutorDescriptor.inputReplies`.
enum StandardInput {
  /// The descriptor on which the kernel writes input replies.
  static let replyFD = ExecutorDescriptor.inputReplies

  /// Routes standard-input reads through the kernel, if the kernel passed the reply descriptor.
  static func install() {
    guard fcntl(replyFD, F_GETFD) >= 0 else { return }
    realnvp_set_input_hook { lineptr, capacity in
      guard let lineptr, let capacity else { return -1 }
      pump.drain { writer.writeUnlocked(.inputRequest(prompt: "", password: false)) }
      guard let line = StandardInput.readReply(),
        case .line(let value)? = JSONLines.decode(InputReply.self, from: line)
      else { return -1 }
      let bytes = Array((value + "\n").utf8)
      if lineptr.pointee == nil || capacity.pointee < bytes.count + 1 {
        guard let grown = realloc(lineptr.pointee, bytes.count + 1) else { return -1 }
        lineptr.pointee = grown.assumingMemoryBound(to: CChar.self)
        capacity.pointee = bytes.count + 1
      }
      bytes.withUnsafeBufferPointer { source in
        memcpy(lineptr.pointee!, source.baseAddress!, source.count)
      }
      lineptr.pointee![bytes.count] = 0
      return bytes.count
    }
  }

  /// One line from the reply descriptor, read a byte at a time so nothing after it is consumed.
  private static func readReply() -> [UInt8]? {
    var line: [UInt8] = []
    var byte: UInt8 = 0
    while true {
      let count = read(replyFD, &byte, 1)
      if count < 0 && errno == EINTR { continue }
      if count <= 0 { return nil }
      if byte == 0x0A { return line }
      line.append(byte)
    }
  }
}
