import Foundation

// MARK: - How much a cell may print

/// Caps the stream output of one cell: text passes until the cell has printed `limit` bytes
/// (stdout and stderr together), then one notice says that the rest is not shown; the bytes
/// dropped after it are counted and reported when the cell ends.
struct OutputBudget {
  /// Bytes a cell may print before its output is truncated.
  let limit: Int
  private(set) var printed = 0
  private(set) var dropped = 0

  /// A budget of `limit` bytes per cell.
  init(limit: Int) {
    precondition(limit > 0, "OutputBudget needs a positive limit, got \(limit)")
    self.limit = limit
  }

  /// Starts counting for a new cell.
  mutating func reset() {
    printed = 0
    dropped = 0
  }

  /// What of `text` may be shown: all of it, a prefix followed by the truncation notice, or
  /// nothing (counted as dropped).
  mutating func admit(_ text: String) -> String? {
    let size = text.utf8.count
    if printed >= limit {
      dropped += size
      return nil
    }
    if printed + size <= limit {
      printed += size
      return text
    }
    let bytes = Array(text.utf8)
    var cut = limit - printed
    while cut > 0 && bytes[cut] & 0xC0 == 0x80 { cut -= 1 }  // not inside a character
    dropped += size - cut
    printed = limit
    return String(decoding: bytes[..<cut], as: UTF8.self) + "\n" + notice
  }

  /// The line shown where output stops.
  var notice: String {
    "[output truncated: this cell printed more than \(Self.describe(limit)); the rest is not shown]\n"
  }

  /// The line shown when the cell ends, if anything was dropped.
  var summary: String? {
    dropped > 0 ? "[\(Self.describe(dropped)) of further output not shown]\n" : nil
  }

  /// Bytes as "1.0 MB", "512 KB" or "12 bytes".
  static func describe(_ bytes: Int) -> String {
    if bytes >= 1_000_000 { return String(format: "%.1f MB", Double(bytes) / 1_000_000) }
    if bytes >= 1_000 { return "\(bytes / 1_000) KB" }
    return "\(bytes) bytes"
  }
}
