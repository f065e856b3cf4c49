import Foundation

// MARK: - MessageAdmission

/// What the kernel lets in: frames that decode under the session key and were not received
/// before. The I/O thread owns one; the fuzzers drive the same type.
public struct MessageAdmission: Sendable {
  /// Verifies signatures and parses frames.
  public let codec: WireCodec
  /// Signatures of the messages admitted so far.
  public private(set) var signatures: SignatureHistory

  /// Admits messages signed for `codec`; remembers up to `historyLimit` signatures.
  public init(codec: WireCodec, historyLimit: Int = 1 << 16) {
    self.codec = codec
    signatures = SignatureHistory(limit: historyLimit)
  }

  /// The message in `frames`, if it is signed under the session key and is not a replay.
  ///
  /// Throws the `WireError` that says why the frames were refused. The signature enters the
  /// history only after it verified, so forged messages cannot crowd out genuine ones.
  public mutating func admit(_ frames: [Data]) throws -> Message {
    let message = try codec.decode(frames)
    // decode found the delimiter and a signature frame after it.
    let split = frames.firstIndex(of: WireCodec.delimiter)!
    guard signatures.admit(frames[split + 1]) else { throw WireError.replayed }
    return message
  }
}
