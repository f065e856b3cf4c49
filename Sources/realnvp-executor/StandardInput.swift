import CCellSupport
import Foundation

// MARK: - readLine() through the notebook

/// Answers a cell's reads of standard input (`readLine()`) with lines the kernel asks the
/// frontend for: an `input` event goes out, and the kernel writes the reply as one JSON line,
/// `{"value": "..."}` or `{"eof": true}`, on the input descriptor.
enum StandardInput {
  /// The descriptor on which the kernel writes input replies.
  static let replyFD: Int32 = 6

  /// Routes standard-input reads through the kernel, if the kernel passed the reply descriptor.
  static func install() {
    guard fcntl(replyFD, F_GETFD) >= 0 else { return }
    realnvp_set_input_hook { lineptr, capacity in
      guard let lineptr, let capacity else { return -1 }
      pump.drain { writer.writeUnlocked(["kind": "input", "prompt": "", "password": false]) }
      guard let line = StandardInput.readReply(),
        let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any],
        let value = object["value"] as? String
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
  private static func readReply() -> Data? {
    var line = Data()
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
