import ExecutorWire
import Foundation

// MARK: - %install

extension CellExecutor {
  /// Builds the packages of a cell's `%install` lines and loads them into the executor; later
  /// cells can import their products. Returns the error that stopped it, or nil.
  func install(_ commands: CellCommands, onEvent: @escaping (ExecutorEvent) -> Void) -> CellError? {
    if let installed {
      return CellError(
        ename: "InstallError",
        evalue:
          "packages are already installed in this kernel (\(installed.modules.joined(separator: ", ")))",
        traceback: [
          "InstallError: packages are already installed in this kernel; restart the kernel and put "
            + "every %install line in one cell"
        ])
    }
    interrupts.cancellation.reset()
    let installer = PackageInstaller(
      toolchainPath: configuration.toolchainPath, cancellation: interrupts.cancellation)
    let result = installer.install(
      commands.installs, location: commands.installLocation, flags: commands.swiftPMFlags,
      progress: { onEvent(.stdout($0)) })
    let packages: InstalledPackages
    switch result {
    case .failure(let error): return error
    case .success(let built): packages = built
    }
    if process == nil, let error = startProcess() { return error }
    guard let process else { return nil }
    if let reason = process.load(library: packages.libraryPath, onEvent: onEvent) {
      return Self.installError(reason)
    }
    installed = packages
    var extended = configuration
    extended.moduleSearchPaths += packages.moduleSearchPaths
    extended.loadedModules += packages.modules
    configuration = extended
    let products = commands.installs.flatMap(\.products).joined(separator: ", ")
    onEvent(.stdout("Installed \(products); later cells can import them.\n"))
    return nil
  }

  /// The error of a library of installed packages that the executor did not load.
  static func installError(_ reason: String) -> CellError {
    CellError(ename: "InstallError", evalue: reason, traceback: ["InstallError: \(reason)"])
  }
}
