import Foundation

// MARK: - One JSON value per line

/// How messages, commands and input replies travel between the kernel and the executor: each
/// is compact JSON (no newline inside) followed by a newline.
public enum JSONLines {
  /// `value` as one line of JSON, newline included.
  public static func encode<Value: Encodable>(_ value: Value) -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes]
    guard var bytes = try? Array(encoder.encode(value)) else {
      preconditionFailure("\(Value.self) must always encode as JSON: \(value)")
    }
    bytes.append(UInt8(ascii: "\n"))
    return bytes
  }

  /// The value of one line (without its newline), or nil when it is not a `Value`.
  public static func decode<Value: Decodable>(
    _ type: Value.Type, from line: some Collection<UInt8>
  ) -> Value? {
    try? JSONDecoder().decode(type, from: Data(line))
  }

  /// Writes `value` as one line to `fd`, retrying after signals; false when the descriptor
  /// is closed or broken.
  @discardableResult
  public static func write<Value: Encodable>(_ value: Value, to fd: Int32) -> Bool {
    let bytes = encode(value)
    return bytes.withUnsafeBytes { raw in
      var offset = 0
      while offset < raw.count {
        let written = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
        if written < 0 && errno == EINTR { continue }
        if written <= 0 { return false }
        offset += written
      }
      return true
    }
  }
}

/// Bytes read from a descriptor, handed out a line at a time.
public struct LineBuffer: Sendable {
  private var bytes: [UInt8] = []

  /// An empty buffer.
  public init() {}

  /// Adds bytes as they were read.
  public mutating func append(_ chunk: some Sequence<UInt8>) {
    bytes.append(contentsOf: chunk)
  }

  /// The next whole line without its newline, removed from the buffer; nil until one is there.
  public mutating func nextLine() -> [UInt8]? {
    guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
    let line = Array(bytes[..<newline])
    bytes.removeSubrange(...newline)
    return line
  }
}
