import Foundation

// MARK: - Errors

/// Why the kernelspec could not be installed.
enum KernelSpecError: Error, CustomStringConvertible {
  /// No folder with kernel.json was found.
  case templateNotFound(searched: [String])
  /// The template lacks the binary placeholder or a logo.
  case badTemplate(path: String, reason: String)
  /// `--sys-prefix` without a virtual environment or a working python3.
  case noPythonPrefix

  var description: String {
    switch self {
    case .templateNotFound(let searched):
      return "no kernelspec template (kernelspec/kernel.json) found; looked in: "
        + searched.joined(separator: ", ") + ". Pass --spec-dir DIR."
    case .badTemplate(let path, let reason):
      return "kernelspec template \(path): \(reason)"
    case .noPythonPrefix:
      return "--sys-prefix needs an active virtual environment (VIRTUAL_ENV) or python3 on PATH"
    }
  }
}

// MARK: - KernelSpec

/// The `swift-realnvp` kernelspec: template lookup and installation.
enum KernelSpec {
  /// The kernel's name in `jupyter kernelspec list`.
  static let name = "swift-realnvp"
  /// The name shown in the launcher.
  static let displayName = "Swift (Real NVP)"
  /// The placeholder in kernel.json's argv that becomes the kernel binary's absolute path.
  static let binaryPlaceholder = "@REALNVP_KERNEL@"
  /// The logos copied next to kernel.json.
  static let logos = ["logo-32x32.png", "logo-64x64.png"]

  /// The absolute, symlink-free path of the running binary.
  static func currentExecutablePath() -> String {
    if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
      return path
    }
    let argument = CommandLine.arguments[0]
    let url =
      argument.hasPrefix("/")
      ? URL(fileURLWithPath: argument)
      : URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(argument)
    return url.standardizedFileURL.resolvingSymlinksInPath().path
  }

  /// `kernelspec/` of the package: searched upward from the binary, then from the working directory.
  static func findTemplateDirectory() throws -> URL {
    var searched: [String] = []
    let starts = [
      URL(fileURLWithPath: currentExecutablePath()).deletingLastPathComponent(),
      URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
    ]
    for start in starts {
      var directory = start
      while true {
        let candidate = directory.appendingPathComponent("kernelspec")
        searched.append(candidate.path)
        if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("kernel.json").path) {
          return candidate
        }
        let parent = directory.deletingLastPathComponent()
        if parent.path == directory.path { break }
        directory = parent
      }
    }
    throw KernelSpecError.templateNotFound(searched: searched)
  }

  /// Writes kernel.json (argv pointing at `kernelBinary`) and the logos into `destination`.
  static func install(from source: URL, to destination: URL, kernelBinary: String) throws {
    let templateURL = source.appendingPathComponent("kernel.json")
    guard let template = try? String(contentsOf: templateURL, encoding: .utf8) else {
      throw KernelSpecError.badTemplate(path: templateURL.path, reason: "cannot be read as UTF-8 text")
    }
    guard template.contains(binaryPlaceholder) else {
      throw KernelSpecError.badTemplate(
        path: templateURL.path, reason: "argv should contain \(binaryPlaceholder) for the kernel binary")
    }
    let escaped = kernelBinary.replacingOccurrences(of: "\\", with: "\\\\")
      .replacingOccurrences(of: "\"", with: "\\\"")
    let manager = FileManager.default
    try manager.createDirectory(at: destination, withIntermediateDirectories: true)
    try Data(template.replacingOccurrences(of: binaryPlaceholder, with: escaped).utf8)
      .write(to: destination.appendingPathComponent("kernel.json"))
    for logo in logos {
      let from = source.appendingPathComponent(logo)
      guard manager.fileExists(atPath: from.path) else {
        throw KernelSpecError.badTemplate(path: from.path, reason: "logo is missing")
      }
      let to = destination.appendingPathComponent(logo)
      try? manager.removeItem(at: to)
      try manager.copyItem(at: from, to: to)
    }
  }
}
