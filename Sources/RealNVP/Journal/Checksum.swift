import Foundation

/// FNV-1a 64-bit: a fast, dependency-free content checksum for datasets and checkpoints.
/// (Not cryptographic; it detects changed or corrupt data, not tampering.)
public struct FNV1a64 {
  private(set) var state: UInt64 = 0xcbf2_9ce4_8422_2325

  /// A fresh checksum.
  public init() {}

  /// Folds `bytes` into the checksum.
  public mutating func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
    var h = state
    for b in bytes {
      h ^= UInt64(b)
      h = h &* 0x0000_0100_0000_01b3
    }
    state = h
  }

  /// Folds the bit patterns of `values` into the checksum.
  public mutating func update(floats values: [Float]) {
    values.withUnsafeBytes { update($0) }
  }

  /// The checksum as 16 hex digits.
  public var hex: String { String(format: "%016llx", state) }

  /// The checksum of a file's bytes, or nil if it cannot be read.
  public static func ofFile(_ path: String) -> String? {
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    var c = FNV1a64()
    c.update(data)
    return c.hex
  }
}
