import Foundation

// MARK: - SafeTensors

/// Reads and writes Float32 tensors in the safetensors format (huggingface/safetensors), so that
/// Python's `safetensors.numpy.load_file` opens our checkpoints.
///
/// Layout: an 8-byte little-endian header length N; N bytes of JSON (padded with spaces to a
/// multiple of 8) mapping each name to `{"dtype":"F32","shape":[...],"data_offsets":[begin,end]}`
/// plus an optional `"__metadata__"` object of strings; then the little-endian data, tensors
/// sorted by name and packed without gaps.
public enum SafeTensors {
  /// A tensor's shape and its scalars in row-major order.
  public typealias Entry = (shape: [Int], scalars: [Float])

  /// What a checkpoint file holds: named tensors and string metadata.
  public struct Contents {
    /// The tensors by name.
    public var tensors: [String: Entry]
    /// The `__metadata__` strings (empty when the file has none).
    public var metadata: [String: String]
  }

  /// The reserved header key for metadata.
  public static let metadataKey = "__metadata__"

  /// Writes `tensors` and `metadata` to `url` atomically (temporary file, fsync, rename); on any
  /// failure the file previously at `url` is left as it was.
  public static func write(_ tensors: [String: Entry], metadata: [String: String] = [:], to url: URL) throws {
    try AtomicFile.write(try encode(tensors, metadata: metadata), to: url)
  }

  /// The complete file content for `tensors` and `metadata`.
  public static func encode(_ tensors: [String: Entry], metadata: [String: String] = [:]) throws -> [UInt8] {
    let names = tensors.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    var fields = [String]()
    if !metadata.isEmpty {
      let pairs = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
      fields.append("\(jsonString(metadataKey)):{\(pairs.joined(separator: ","))}")
    }
    var offset = 0
    for name in names {
      let entry = tensors[name]!
      try validate(name: name, entry: entry)
      let end = offset + entry.scalars.count * 4
      let shape = entry.shape.map(String.init).joined(separator: ",")
      fields.append(
        "\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
      offset = end
    }
    var header = Array("{\(fields.joined(separator: ","))}".utf8)
    header += Array(repeating: UInt8(ascii: " "), count: (8 - header.count % 8) % 8)

    var bytes = [UInt8]()
    bytes.reserveCapacity(8 + header.count + offset)
    withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes += $0 }
    bytes += header
    for name in names { appendLittleEndian(tensors[name]!.scalars, to: &bytes) }
    return bytes
  }

  // MARK: - Helpers

  private static func validate(name: String, entry: Entry) throws {
    guard !name.isEmpty, name != metadataKey else {
      throw CheckpointError.invalidInput(tensor: name, detail: "the name is empty or reserved")
    }
    guard entry.shape.allSatisfy({ $0 >= 0 }) else {
      throw CheckpointError.invalidInput(tensor: name, detail: "negative dimension in shape \(entry.shape)")
    }
    let expected = entry.shape.reduce(1, *)
    guard expected == entry.scalars.count else {
      throw CheckpointError.invalidInput(
        tensor: name, detail: "shape \(entry.shape) needs \(expected) scalars, got \(entry.scalars.count)")
    }
  }

  private static func appendLittleEndian(_ scalars: [Float], to bytes: inout [UInt8]) {
    #if _endian(little)
      scalars.withUnsafeBytes { bytes += $0 }
    #else
      for scalar in scalars { withUnsafeBytes(of: scalar.bitPattern.littleEndian) { bytes += $0 } }
    #endif
  }

  /// `text` as a JSON string literal.
  static func jsonString(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": result += "\\\""
      case "\\": result += "\\\\"
      case "\n": result += "\\n"
      case "\r": result += "\\r"
      case "\t": result += "\\t"
      case _ where scalar.value < 0x20:
        let digits = String(scalar.value, radix: 16)
        result += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result + "\""
  }
}
