import Foundation

// MARK: - The private folder cells are compiled in

/// A fresh folder with an unpredictable name (`mkdtemp`), mode 0700, that holds the sources,
/// objects, modules and libraries of one executor's cells; never reused, removed by `remove()`.
///
/// It records the kernel's pid in `kernel.pid`, so that a later kernel can remove the folders
/// of kernels that died without cleaning up (`removeStale(in:)`).
struct WorkFolder: Sendable {
  /// The prefix of every work folder's name.
  static let prefix = "realnvp-cells-"
  /// The file inside a work folder that holds its kernel's pid.
  static let ownerFile = "kernel.pid"

  /// The folder's absolute path.
  let path: String

  /// Creates a new folder under `parent`.
  static func create(in parent: String) throws -> WorkFolder {
    let base = parent.hasSuffix("/") ? String(parent.dropLast()) : parent
    var template = Array((base + "/" + prefix + "XXXXXX").utf8CString)
    guard let made = mkdtemp(&template) else {
      throw ExecutorError.workDirectory(
        path: base + "/" + prefix + "XXXXXX", reason: String(cString: strerror(errno)))
    }
    let path = String(cString: made)
    chmod(path, 0o700)
    try? "\(getpid())\n".write(toFile: path + "/" + ownerFile, atomically: true, encoding: .utf8)
    return WorkFolder(path: path)
  }

  /// Deletes the folder and everything in it.
  func remove() {
    try? FileManager.default.removeItem(atPath: path)
  }

  /// Removes work folders under `parent` that belong to this user and to a kernel that is no
  /// longer running; returns their paths.
  @discardableResult
  static func removeStale(in parent: String) -> [String] {
    let base = parent.hasSuffix("/") ? String(parent.dropLast()) : parent
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
    var removed: [String] = []
    for name in entries where name.hasPrefix(prefix) {
      let path = base + "/" + name
      var info = stat()
      guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_uid == getuid() else {
        continue
      }
      guard let owner = ownerPID(of: path, name: name, modified: info.st_mtim.tv_sec), owner != getpid(),
        !isRunning(owner)
      else { continue }
      try? FileManager.default.removeItem(atPath: path)
      removed.append(path)
    }
    return removed
  }

  /// The kernel pid a folder records, or the pid in an older folder's name (`realnvp-cells-PID`);
  /// a folder without the file is only judged by its name once it is a minute old (a new one
  /// may be between `mkdtemp` and writing the file).
  private static func ownerPID(of path: String, name: String, modified: Int) -> pid_t? {
    if let text = try? String(contentsOfFile: path + "/" + ownerFile, encoding: .utf8),
      let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
    {
      return pid
    }
    guard time(nil) - modified > 60 else { return nil }
    return pid_t(name.dropFirst(prefix.count))
  }

  private static func isRunning(_ pid: pid_t) -> Bool {
    kill(pid, 0) == 0 || errno == EPERM
  }
}
