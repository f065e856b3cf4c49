// MARK: - IDX arrays

/// An unsigned-byte array read from an IDX file (the MNIST format): its shape and its values.
struct IDXArray: Sendable, Equatable {
  /// Dimensions, outermost first (e.g. [60000, 28, 28]).
  let shape: [Int]
  /// Values in row-major order.
  let bytes: [UInt8]
}

// MARK: - Reader

/// Reads IDX files of unsigned bytes, raw or gzip-compressed (detected from the content).
enum IDXReader {
  /// Magic number of an IDX file of unsigned-byte images: type 0x08, 3 dimensions.
  static let imagesMagic: UInt32 = 0x0000_0803
  /// Magic number of an IDX file of unsigned-byte labels: type 0x08, 1 dimension.
  static let labelsMagic: UInt32 = 0x0000_0801

  /// Reads the IDX file at `path`, which must have the magic number `magic`.
  static func read(path: String, magic: UInt32) throws -> IDXArray {
    let stored = try DatasetFile.bytes(at: path, expected: "an IDX file (raw or .gz)")
    let bytes = Gzip.isGzip(stored) ? try Gzip.inflate(stored, path: path) : stored
    guard bytes.count >= 4 else {
      throw DatasetError.truncatedFile(path: path, expectedBytes: 4, foundBytes: bytes.count)
    }
    let found = bigEndianWord(bytes, at: 0)
    guard found == magic else {
      throw DatasetError.wrongMagicNumber(path: path, expected: magic, found: found)
    }
    let rank = Int(magic & 0xFF)
    let headerSize = 4 + 4 * rank
    guard bytes.count >= headerSize else {
      throw DatasetError.truncatedFile(path: path, expectedBytes: headerSize, foundBytes: bytes.count)
    }
    let shape = (0..<rank).map { Int(bigEndianWord(bytes, at: 4 + 4 * $0)) }
    let valueCount = shape.reduce(1, *)
    guard bytes.count >= headerSize + valueCount else {
      throw DatasetError.truncatedFile(
        path: path, expectedBytes: headerSize + valueCount, foundBytes: bytes.count)
    }
    guard bytes.count == headerSize + valueCount else {
      throw DatasetError.malformedFile(
        path: path, expected: "\(headerSize + valueCount) bytes for shape \(shape)",
        found: "\(bytes.count) bytes")
    }
    return IDXArray(shape: shape, bytes: Array(bytes[headerSize...]))
  }

  /// Reads an IDX image file: the image count, height, width and the pixels (N, H, W order).
  static func readImages(path: String) throws -> (count: Int, height: Int, width: Int, pixels: [UInt8]) {
    let array = try read(path: path, magic: imagesMagic)
    return (array.shape[0], array.shape[1], array.shape[2], array.bytes)
  }

  /// Reads an IDX label file: one integer label per item.
  static func readLabels(path: String) throws -> [Int] {
    try read(path: path, magic: labelsMagic).bytes.map { Int($0) }
  }

  private static func bigEndianWord(_ bytes: [UInt8], at offset: Int) -> UInt32 {
    (0..<4).reduce(UInt32(0)) { ($0 << 8) | UInt32(bytes[offset + $1]) }
  }
}
