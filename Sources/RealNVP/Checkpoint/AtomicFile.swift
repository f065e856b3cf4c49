import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - Atomic file writes

/// Replaces a file atomically: write a temporary file in the same folder, fsync it, rename it over
/// the target, fsync the folder. Readers see the old file or the new one, never a mix.
///
/// A writer killed mid-write leaves its temporary file (`.NAME.tmp-PID-RANDOM`); the next write
/// of the same file removes those whose process is gone, so repeated crashes do not fill the disk.
enum AtomicFile {
  /// Writes `bytes` to `url`; on failure the temporary file is removed and `url` is unchanged.
  static func write(_ bytes: [UInt8], to url: URL) throws {
    let path = url.path
    let folder = url.deletingLastPathComponent().path
    removeStaleTemporaries(of: url)
    let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
    let temporary = url.deletingLastPathComponent()
      .appendingPathComponent("\(temporaryPrefix(of: url))\(getpid())-\(suffix)").path

    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    guard descriptor >= 0 else {
      throw failure(path, "cannot create a temporary file in \(folder) (\(describe(errno)))")
    }
    var written = 0
    let writeError = bytes.withUnsafeBytes { buffer -> Int32 in
      while written < buffer.count {
        let result = Foundation.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
        if result < 0 {
          if errno == EINTR { continue }
          return errno
        }
        written += result
      }
      return fsync(descriptor) == 0 ? 0 : errno
    }
    guard writeError == 0 else {
      close(descriptor)
      unlink(temporary)
      throw failure(path, "writing \(bytes.count) bytes failed after \(written) (\(describe(writeError)))")
    }
    guard close(descriptor) == 0 else {
      unlink(temporary)
      throw failure(path, "closing the temporary file failed (\(describe(errno)))")
    }
    guard rename(temporary, path) == 0 else {
      let error = errno
      unlink(temporary)
      throw failure(path, "renaming the temporary file failed (\(describe(error)))")
    }
    let folderDescriptor = open(folder, O_RDONLY)
    if folderDescriptor >= 0 {
      _ = fsync(folderDescriptor)  // best effort: makes the rename itself durable
      close(folderDescriptor)
    }
  }

  /// The name of every temporary file of `url` starts with this, followed by the writer's pid.
  static func temporaryPrefix(of url: URL) -> String {
    ".\(url.lastPathComponent).tmp-"
  }

  /// Removes the temporary files of `url` whose writing process no longer exists.
  static func removeStaleTemporaries(of url: URL) {
    let folder = url.deletingLastPathComponent()
    let prefix = temporaryPrefix(of: url)
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
    for name in names where name.hasPrefix(prefix) {
      guard let pid = pid_t(name.dropFirst(prefix.count).prefix { $0 != "-" }), pid > 0 else { continue }
      if kill(pid, 0) != 0 && errno == ESRCH {
        unlink(folder.appendingPathComponent(name).path)
      }
    }
  }

  private static func failure(_ path: String, _ detail: String) -> CheckpointError {
    .writeFailed(path: path, detail: detail)
  }

  private static func describe(_ code: Int32) -> String {
    String(cString: strerror(code))
  }
}
