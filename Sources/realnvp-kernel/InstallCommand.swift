import ArgumentParser
import Foundation

// MARK: - realnvp-kernel install

/// Writes the `swift-realnvp` kernelspec so Jupyter lists "Swift (Real NVP)".
struct InstallCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "install",
    abstract: "Install the kernelspec swift-realnvp (default: for the current user).")

  @Flag(help: "Install for the current user (JUPYTER_DATA_DIR or ~/.local/share/jupyter). The default.")
  var user = false

  @Flag(help: "Install into the active Python environment (VIRTUAL_ENV, else python3's sys.prefix).")
  var sysPrefix = false

  @Option(help: "Install under DIR/share/jupyter/kernels.")
  var prefix: String?

  @Option(help: "The folder holding kernel.json and the logos (default: kernelspec/ of the package).")
  var specDir: String?

  func validate() throws {
    let chosen = [user, sysPrefix, prefix != nil].filter { $0 }.count
    guard chosen <= 1 else { throw ValidationError("choose at most one of --user, --sys-prefix, --prefix") }
  }

  func run() throws {
    let destination = try kernelsDirectory().appendingPathComponent(KernelSpec.name)
    let source = try specDir.map { URL(fileURLWithPath: $0) } ?? KernelSpec.findTemplateDirectory()
    try KernelSpec.install(from: source, to: destination, kernelBinary: KernelSpec.currentExecutablePath())
    print("Installed kernelspec \(KernelSpec.name) (\"\(KernelSpec.displayName)\") in \(destination.path)")
  }

  /// `.../share/jupyter/kernels` for the chosen scope.
  private func kernelsDirectory() throws -> URL {
    let environment = ProcessInfo.processInfo.environment
    let dataDirectory: URL
    if let prefix {
      dataDirectory = URL(fileURLWithPath: prefix).appendingPathComponent("share/jupyter")
    } else if sysPrefix {
      dataDirectory = URL(fileURLWithPath: try pythonPrefix(environment)).appendingPathComponent(
        "share/jupyter")
    } else if let custom = environment["JUPYTER_DATA_DIR"], !custom.isEmpty {
      dataDirectory = URL(fileURLWithPath: custom)
    } else {
      #if os(macOS)
        dataDirectory = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(
          "Library/Jupyter")
      #else
        let base =
          environment["XDG_DATA_HOME"].map { URL(fileURLWithPath: $0) }
          ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/share")
        dataDirectory = base.appendingPathComponent("jupyter")
      #endif
    }
    return dataDirectory.appendingPathComponent("kernels")
  }

  /// The active virtual environment, else what `python3` reports as `sys.prefix`.
  private func pythonPrefix(_ environment: [String: String]) throws -> String {
    if let venv = environment["VIRTUAL_ENV"], !venv.isEmpty { return venv }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import sys; print(sys.prefix)"]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    process.waitUntilExit()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    guard process.terminationStatus == 0, !output.isEmpty else {
      throw KernelSpecError.noPythonPrefix
    }
    return output
  }
}
