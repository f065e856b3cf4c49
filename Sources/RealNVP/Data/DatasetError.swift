import Foundation

// MARK: - Dataset errors

/// A dataset file or folder that cannot be read, naming the path and what was expected.
public enum DatasetError: Error, Equatable, Sendable {
  /// No file or folder at `path`; `expected` says what should be there.
  case missingFile(path: String, expected: String)
  /// An IDX file whose magic number is not the one for the expected kind of data.
  case wrongMagicNumber(path: String, expected: UInt32, found: UInt32)
  /// A file that ends before all the data its header (or its format) promises.
  case truncatedFile(path: String, expectedBytes: Int, foundBytes: Int)
  /// An image whose size is not the one the reader needs.
  case wrongImageSize(path: String, expected: String, found: String)
  /// A gzip stream that zlib cannot inflate.
  case corruptGzip(path: String, detail: String)
  /// A folder without any file the reader could use.
  case emptyFolder(path: String, expected: String)
  /// An image file that libpng or libjpeg cannot decode.
  case unreadableImage(path: String, detail: String)
  /// A file whose content breaks its format in another way.
  case malformedFile(path: String, expected: String, found: String)
  /// A file of the right size whose SHA-256 is not the pinned one (damaged or a different release).
  case checksumMismatch(path: String, expected: String, found: String)
}

// MARK: - Descriptions

extension DatasetError: CustomStringConvertible {
  /// A sentence naming the path, what was expected and what was found.
  public var description: String {
    switch self {
    case .missingFile(let path, let expected):
      return "No such file or folder: \(path) (expected \(expected))."
    case .wrongMagicNumber(let path, let expected, let found):
      return "Wrong IDX magic number in \(path): expected \(Self.hex(expected)), found \(Self.hex(found))."
    case .truncatedFile(let path, let expectedBytes, let foundBytes):
      return "Truncated file \(path): expected \(expectedBytes) bytes, found \(foundBytes)."
    case .wrongImageSize(let path, let expected, let found):
      return "Image of the wrong size in \(path): expected \(expected), found \(found)."
    case .corruptGzip(let path, let detail):
      return "Corrupt gzip data in \(path): \(detail)."
    case .emptyFolder(let path, let expected):
      return "Empty folder \(path): expected \(expected)."
    case .unreadableImage(let path, let detail):
      return "Cannot decode image \(path): \(detail)."
    case .malformedFile(let path, let expected, let found):
      return "Malformed file \(path): expected \(expected), found \(found)."
    case .checksumMismatch(let path, let expected, let found):
      return "Checksum mismatch in \(path): expected SHA-256 \(expected), found \(found)."
    }
  }

  private static func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
  }
}

extension DatasetError: LocalizedError {
  /// The same text as `description`, for `localizedDescription`.
  public var errorDescription: String? { description }
}

// MARK: - File access

/// Reads whole files into byte arrays, turning failures into `DatasetError`.
enum DatasetFile {
  /// The bytes of the file at `path`; `expected` describes it for the error message.
  static func bytes(at path: String, expected: String) throws -> [UInt8] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue
    else {
      throw DatasetError.missingFile(path: path, expected: expected)
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw DatasetError.malformedFile(path: path, expected: "a readable file", found: "no read permission")
    }
    return [UInt8](data)
  }

  /// Whether a folder exists at `path`.
  static func isDirectory(_ path: String) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
  }
}
