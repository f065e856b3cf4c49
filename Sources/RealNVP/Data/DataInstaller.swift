import Foundation

// MARK: - Installing verified files

/// Checks downloaded dataset files against their pinned sizes and SHA-256 and installs them
/// into a data folder, each file atomically (a file under its final name is always complete).
public enum DataInstaller {
  /// Whether every one of `files` is in `directory` with its pinned size and SHA-256.
  public static func isInstalled(_ files: [ExpectedFile], in directory: String) -> Bool {
    files.allSatisfy { file in
      let path = URL(fileURLWithPath: directory).appendingPathComponent(file.name).path
      guard let bytes = try? DatasetFile.bytes(at: path, expected: file.name) else { return false }
      return (try? verify(bytes, against: file, path: path)) != nil
    }
  }

  /// Finds `files` in `source` (a `.tar.gz` or `.tar` archive, or a folder searched recursively;
  /// either spelling, `train-images.idx3-ubyte` or `train-images-idx3-ubyte`), checks each one's
  /// size and SHA-256, and only then writes them into `directory`. An archive must have the
  /// SHA-256 `archiveSHA256` when one is given. Returns the installed paths.
  @discardableResult
  public static func install(
    _ files: [ExpectedFile], from source: String, archiveSHA256: String? = nil, into directory: String
  ) throws -> [String] {
    let candidates = try members(of: source, archiveSHA256: archiveSHA256)
    var verified = [(file: ExpectedFile, bytes: [UInt8])]()
    for file in files {
      let spellings = [file.name, alternateSpelling(of: file.name)]
      guard let member = candidates.first(where: { spellings.contains($0.name) }) else {
        throw DatasetError.malformedFile(
          path: source, expected: "a file named \(spellings.joined(separator: " or "))",
          found: "none among its \(candidates.count) files")
      }
      try verify(member.bytes, against: file, path: "\(source) member \(member.path)")
      verified.append((file, member.bytes))
    }
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    return try verified.map { file, bytes in
      let url = URL(fileURLWithPath: directory).appendingPathComponent(file.name)
      try Data(bytes).write(to: url, options: .atomic)
      return url.path
    }
  }

  /// Throws unless `bytes` have the size and SHA-256 of `file`; `path` names them in errors.
  static func verify(_ bytes: [UInt8], against file: ExpectedFile, path: String) throws {
    guard bytes.count >= file.size else {
      throw DatasetError.truncatedFile(path: path, expectedBytes: file.size, foundBytes: bytes.count)
    }
    guard bytes.count == file.size else {
      throw DatasetError.malformedFile(
        path: path, expected: "\(file.size) bytes", found: "\(bytes.count) bytes")
    }
    let digest = SHA256Hash.hex(of: bytes)
    guard digest == file.sha256 else {
      throw DatasetError.checksumMismatch(path: path, expected: file.sha256, found: digest)
    }
  }

  // MARK: - Sources

  /// The regular files of an archive or a folder, macOS resource forks (`._NAME`) left out.
  private static func members(of source: String, archiveSHA256: String?) throws -> [TarEntry] {
    let all: [TarEntry]
    if DatasetFile.isDirectory(source) {
      let enumerator = FileManager.default.enumerator(atPath: source)
      let relative = (enumerator?.allObjects as? [String] ?? []).sorted()
      all = try relative.compactMap { path in
        let full = URL(fileURLWithPath: source).appendingPathComponent(path).path
        guard !DatasetFile.isDirectory(full) else { return nil }
        return TarEntry(path: path, bytes: try DatasetFile.bytes(at: full, expected: "a readable file"))
      }
    } else {
      let stored = try DatasetFile.bytes(at: source, expected: "a .tar.gz archive or a folder")
      if let archiveSHA256 {
        let digest = SHA256Hash.hex(of: stored)
        guard digest == archiveSHA256.lowercased() else {
          throw DatasetError.checksumMismatch(path: source, expected: archiveSHA256, found: digest)
        }
      }
      let tar = Gzip.isGzip(stored) ? try Gzip.inflate(stored, path: source) : stored
      all = try TarArchive.regularFiles(in: tar, path: source)
    }
    return all.filter { !$0.name.hasPrefix("._") }
  }

  /// `train-images.idx3-ubyte` for `train-images-idx3-ubyte` and the other way round.
  static func alternateSpelling(of name: String) -> String {
    for (from, to) in [(".idx", "-idx"), ("-idx", ".idx")] where name.contains(from) {
      return name.replacingOccurrences(of: from, with: to)
    }
    return name
  }
}
