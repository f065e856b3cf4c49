// Implementation-only, so that notebook cells, which are compiled against RealNVP, do not load
// Crypto's modules on every compile; no Crypto type appears in this module's declarations.
@_implementationOnly import Crypto

// MARK: - SHA-256

/// SHA-256 (swift-crypto's) of a byte array, as lowercase hex: the checksum that pins
/// downloaded data.
enum SHA256Hash {
  /// The lowercase hex SHA-256 of `bytes`.
  static func hex<Bytes: Collection>(of bytes: Bytes) -> String where Bytes.Element == UInt8 {
    let digest = SHA256.hash(data: Array(bytes))
    return digest.map { byte in
      let digits = String(byte, radix: 16)
      return byte < 16 ? "0" + digits : digits
    }.joined()
  }
}
