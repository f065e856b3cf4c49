import Crypto
import Foundation

// MARK: - MessageSigner

/// Signs and verifies messages with hex HMAC-SHA256 over the four JSON frames.
///
/// An empty key disables signing, as the messaging spec allows: signatures are then empty
/// and every message is accepted.
public struct MessageSigner: Sendable {
  private let key: SymmetricKey?

  /// A signer for the connection file's `key` (UTF-8 bytes, as jupyter_client uses them).
  public init(key: String) {
    self.init(keyBytes: Data(key.utf8))
  }

  /// A signer for raw key bytes.
  public init(keyBytes: Data) {
    key = keyBytes.isEmpty ? nil : SymmetricKey(data: keyBytes)
  }

  /// Whether messages are signed at all.
  public var isSigning: Bool { key != nil }

  /// The lowercase hex HMAC-SHA256 of the concatenated frames ("" when signing is off).
  public func signature(for frames: [Data]) -> String {
    guard let key else { return "" }
    var hmac = HMAC<SHA256>(key: key)
    for frame in frames { hmac.update(data: frame) }
    return Hex.encode(Data(hmac.finalize()))
  }

  /// Whether `signature` is exactly the lowercase hex HMAC of the frames, as jupyter_client
  /// writes and checks it; compares in constant time. Only one spelling is accepted, so the
  /// replay history, which remembers signatures as received, cannot be passed with another
  /// (the same MAC in upper case).
  public func isValid(signature: Data, for frames: [Data]) -> Bool {
    guard key != nil else { return true }
    let expected = Data(self.signature(for: frames).utf8)
    guard signature.count == expected.count else { return false }
    var difference: UInt8 = 0
    for (received, wanted) in zip(signature, expected) { difference |= received ^ wanted }
    return difference == 0
  }
}

// MARK: - Hex

/// Lowercase hexadecimal encoding of bytes.
public enum Hex {
  private static let digits = Array("0123456789abcdef".utf8)

  /// Bytes as lowercase hex.
  public static func encode(_ bytes: Data) -> String {
    var out = [UInt8]()
    out.reserveCapacity(bytes.count * 2)
    for byte in bytes {
      out.append(digits[Int(byte >> 4)])
      out.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Hex text (upper or lower case) as bytes; nil if the length is odd or a character is not hex.
  public static func decode(_ text: Data) -> Data? {
    guard text.count % 2 == 0 else { return nil }
    var out = Data(capacity: text.count / 2)
    var iterator = text.makeIterator()
    while let high = iterator.next(), let low = iterator.next() {
      guard let h = value(of: high), let l = value(of: low) else { return nil }
      out.append(h << 4 | l)
    }
    return out
  }

  private static func value(of character: UInt8) -> UInt8? {
    switch character {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return character - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return character - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return character - UInt8(ascii: "A") + 10
    default: return nil
    }
  }
}
