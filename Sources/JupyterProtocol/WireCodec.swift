import ExecutorWire
import Foundation

// MARK: - Errors

/// Why a list of ZeroMQ frames is not an acceptable Jupyter message.
public enum WireError: Error, CustomStringConvertible, Equatable {
  /// No `<IDS|MSG>` delimiter frame.
  case missingDelimiter(frameCount: Int)
  /// Fewer than signature + four JSON frames after the delimiter.
  case missingFrames(found: Int)
  /// The signature does not match the frames (or is missing while signing is on).
  case badSignature
  /// A JSON frame does not parse or is not an object.
  case invalidJSON(frame: String)
  /// The header lacks a required field.
  case badHeader(String)
  /// A message with this signature was already received: a replay.
  case replayed

  /// A sentence naming what was wrong and what was expected.
  public var description: String {
    switch self {
    case .missingDelimiter(let count):
      return "no <IDS|MSG> delimiter among \(count) frames"
    case .missingFrames(let found):
      return
        "expected signature + header, parent_header, metadata, content after <IDS|MSG>, found \(found) frames"
    case .badSignature:
      return "signature missing or not the HMAC-SHA256 of the message under the session key"
    case .invalidJSON(let frame):
      return "\(frame) frame is not a JSON object"
    case .badHeader(let reason):
      return "bad header: \(reason)"
    case .replayed:
      return "a message with this signature was already received (a replay)"
    }
  }
}

// MARK: - WireCodec

/// Turns messages into ZeroMQ multipart frames and back, signing and verifying on the way.
///
/// Frames: identities..., `<IDS|MSG>`, hex HMAC, header, parent_header, metadata, content, buffers...
/// The signature is checked over the JSON frames exactly as received, before they are parsed.
public struct WireCodec: Sendable {
  /// The delimiter between routing identities and the message.
  public static let delimiter = Data("<IDS|MSG>".utf8)

  /// The signer shared by encoding and decoding.
  public let signer: MessageSigner

  /// A codec that signs with `signer`.
  public init(signer: MessageSigner) {
    self.signer = signer
  }

  /// The frames of a message, signed.
  public func encode(_ message: Message) -> [Data] {
    let parts = [
      message.header.json.serialized(), message.parentHeader.serialized(),
      JSONValue.object(message.metadata).serialized(), JSONValue.object(message.content).serialized(),
    ]
    let signature = Data(signer.signature(for: parts).utf8)
    return message.identities + [WireCodec.delimiter, signature] + parts + message.buffers
  }

  /// Parses frames into a message after checking the signature.
  public func decode(_ frames: [Data]) throws -> Message {
    guard let split = frames.firstIndex(of: WireCodec.delimiter) else {
      throw WireError.missingDelimiter(frameCount: frames.count)
    }
    let rest = Array(frames[(split + 1)...])
    guard rest.count >= 5 else { throw WireError.missingFrames(found: rest.count) }
    let parts = Array(rest[1...4])
    guard signer.isValid(signature: rest[0], for: parts) else { throw WireError.badSignature }
    let names = ["header", "parent_header", "metadata", "content"]
    var objects: [[String: JSONValue]] = []
    for (name, part) in zip(names, parts) {
      guard let value = try? JSONValue.parse(part), let object = value.objectValue else {
        throw WireError.invalidJSON(frame: name)
      }
      objects.append(object)
    }
    return Message(
      identities: Array(frames[..<split]), header: try MessageHeader(json: .object(objects[0])),
      parentHeader: .object(objects[1]), metadata: objects[2], content: objects[3],
      buffers: Array(rest.dropFirst(5)))
  }
}
