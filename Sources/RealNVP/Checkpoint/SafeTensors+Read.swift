import Foundation

// MARK: - Reading

extension SafeTensors {
  /// Reads a safetensors file of F32 tensors; a missing, truncated or corrupt file throws a
  /// `CheckpointError` naming the path.
  public static func read(from url: URL) throws -> Contents {
    let path = url.path
    guard FileManager.default.fileExists(atPath: path), let data = FileManager.default.contents(atPath: path)
    else { throw CheckpointError.missingFile(path: path) }
    return try decode([UInt8](data), path: path)
  }

  /// Parses the content of a safetensors file; `path` names it in errors.
  public static func decode(_ bytes: [UInt8], path: String) throws -> Contents {
    guard bytes.count >= 8 else {
      throw CheckpointError.truncatedFile(path: path, expectedBytes: 8, foundBytes: bytes.count)
    }
    let headerLength = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[$1]) << (8 * UInt64($1)) }
    guard headerLength <= UInt64(bytes.count - 8) else {
      throw CheckpointError.truncatedFile(
        path: path, expectedBytes: headerLength > UInt64(Int.max - 8) ? Int.max : 8 + Int(headerLength),
        foundBytes: bytes.count)
    }
    let dataStart = 8 + Int(headerLength)
    let headerBytes = bytes[8..<dataStart]
    guard headerBytes.first == UInt8(ascii: "{"),
      let object = try? JSONSerialization.jsonObject(with: Data(headerBytes)),
      let header = object as? [String: Any]
    else {
      throw CheckpointError.corruptHeader(
        path: path, detail: "expected a JSON object of \(headerLength) bytes")
    }

    var contents = Contents(tensors: [:], metadata: [:])
    var ranges = [(begin: Int, end: Int, name: String)]()
    for (name, value) in header {
      if name == metadataKey {
        guard let metadata = value as? [String: Any], let strings = metadata as? [String: String] else {
          throw CheckpointError.corruptHeader(path: path, detail: "__metadata__ must map strings to strings")
        }
        contents.metadata = strings
        continue
      }
      guard let fields = value as? [String: Any] else {
        throw CheckpointError.invalidTensor(path: path, tensor: name, detail: "expected a JSON object")
      }
      let dtype = fields["dtype"] as? String ?? "no dtype"
      guard dtype == "F32" else {
        throw CheckpointError.unsupportedDType(path: path, tensor: name, found: dtype)
      }
      guard let shape = integers(fields["shape"]), shape.allSatisfy({ $0 >= 0 }),
        let offsets = integers(fields["data_offsets"]), offsets.count == 2
      else {
        throw CheckpointError.invalidTensor(
          path: path, tensor: name, detail: "expected a shape of non-negative integers and two data_offsets")
      }
      let (begin, end) = (offsets[0], offsets[1])
      let count = shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
      guard begin >= 0, end >= begin, count <= Int.max / 4, end - begin == count * 4 else {
        throw CheckpointError.invalidTensor(
          path: path, tensor: name,
          detail:
            "shape \(shape) needs \(count) x 4 bytes, data_offsets [\(begin), \(end)] hold \(end - begin)")
      }
      guard dataStart + end <= bytes.count else {
        throw CheckpointError.truncatedFile(
          path: path, expectedBytes: dataStart + end, foundBytes: bytes.count)
      }
      contents.tensors[name] = (shape, scalars(bytes, from: dataStart + begin, count: count))
      ranges.append((begin, end, name))
    }
    try checkPacking(ranges, dataLength: bytes.count - dataStart, path: path)
    return contents
  }

  // MARK: - Helpers

  /// Checks what the reference implementation checks: tensors cover the data section without gaps.
  private static func checkPacking(
    _ ranges: [(begin: Int, end: Int, name: String)], dataLength: Int, path: String
  )
    throws
  {
    var position = 0
    for range in ranges.sorted(by: { ($0.begin, $0.end) < ($1.begin, $1.end) }) {
      guard range.begin == position else {
        throw CheckpointError.invalidTensor(
          path: path, tensor: range.name,
          detail: "data starts at byte \(range.begin), expected \(position) (tensors must be packed)")
      }
      position = range.end
    }
    guard position == dataLength else {
      throw CheckpointError.corruptHeader(
        path: path, detail: "tensors cover \(position) data bytes but the file holds \(dataLength)")
    }
  }

  private static func integers(_ value: Any?) -> [Int]? {
    guard let array = value as? [Any] else { return nil }
    var result = [Int]()
    for element in array {
      guard let number = element as? NSNumber, number.doubleValue == Double(number.intValue) else {
        return nil
      }
      result.append(number.intValue)
    }
    return result
  }

  private static func scalars(_ bytes: [UInt8], from start: Int, count: Int) -> [Float] {
    bytes.withUnsafeBytes { raw in
      (0..<count).map { index in
        let bits = raw.loadUnaligned(fromByteOffset: start + 4 * index, as: UInt32.self)
        return Float(bitPattern: UInt32(littleEndian: bits))
      }
    }
  }
}
