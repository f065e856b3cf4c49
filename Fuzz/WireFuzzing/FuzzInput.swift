import Foundation
import ExecutorWire
import JupyterProtocol

// MARK: - FuzzInput

/// One input of the wire fuzzers: how the kernel is keyed, what the sender knows, the channel,
/// and the frames of one multipart message as ZeroMQ would deliver them.
public struct FuzzInput: Equatable, Sendable {
  /// The kernel has a key (else signing is off and signatures are ignored).
  public var signed: Bool
  /// The sender knows the key: the frame after the first delimiter is replaced by the correct
  /// signature of the four frames after it before the kernel sees the message.
  public var resign: Bool
  /// The socket the message arrives on.
  public var channel: Channel
  /// The frames: identities, `<IDS|MSG>`, signature, four JSON frames, buffers (or anything else).
  public var frames: [Data]

  /// The key of signed inputs.
  public static let key = "fuzz-key-5b1d2c"

  /// Creates an input from its parts.
  public init(signed: Bool, resign: Bool, channel: Channel, frames: [Data]) {
    (self.signed, self.resign, self.channel, self.frames) = (signed, resign, channel, frames)
  }

  /// Reads the byte form libFuzzer mutates: a flags byte (bit 0 signed, bit 1 resign, bits 2-3
  /// the channel: shell, control, stdin, iopub), then frames, each a 2-byte little-endian length
  /// and that many bytes; a length past the end takes what is left, and at most 64 frames are read.
  public init(bytes: some Collection<UInt8>) {
    let bytes = Array(bytes)
    let flags = bytes.first ?? 0
    signed = flags & 1 != 0
    resign = flags & 2 != 0
    channel = [Channel.shell, .control, .stdin, .iopub][Int(flags >> 2) & 3]
    frames = []
    var at = 1
    while at + 2 <= bytes.count && frames.count < 64 {
      let length = Int(bytes[at]) | Int(bytes[at + 1]) << 8
      let end = min(bytes.count, at + 2 + length)
      frames.append(Data(bytes[(at + 2)..<end]))
      at = end
    }
  }

  /// The byte form (frames longer than 65535 bytes are cut to that length).
  public var bytes: [UInt8] {
    let channelBits = UInt8([Channel.shell, .control, .stdin, .iopub].firstIndex(of: channel)!) << 2
    var out: [UInt8] = [(signed ? 1 : 0) | (resign ? 2 : 0) | channelBits]
    for frame in frames.prefix(64) {
      let length = min(frame.count, 0xffff)
      out += [UInt8(length & 0xff), UInt8(length >> 8)]
      out += frame.prefix(length)
    }
    return out
  }

  /// The frames as the kernel receives them: re-signed when the sender knows the key.
  public var deliveredFrames: [Data] {
    guard signed, resign, let split = frames.firstIndex(of: WireCodec.delimiter),
      frames.count >= split + 6
    else { return frames }
    var out = frames
    let signer = MessageSigner(key: FuzzInput.key)
    out[split + 1] = Data(signer.signature(for: Array(frames[(split + 2)...(split + 5)])).utf8)
    return out
  }
}
