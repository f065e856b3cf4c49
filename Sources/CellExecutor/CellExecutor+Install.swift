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
    cancellation.reset()
    let installer = PackageInstaller(toolchainPath: configuration.toolchainPath, cancellation: cancellation)
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
    if let failure = load(packages, into: process, onEvent: onEvent) { return failure }
    installed = packages
    configuration.moduleSearchPaths += packages.moduleSearchPaths
    configuration.loadedModules += packages.modules
    refreshCompiler()
    let products = commands.installs.flatMap(\.products).joined(separator: ", ")
    onEvent(.stdout("Installed \(products); later cells can import them.\n"))
    return nil
  }

  /// Asks `process` to load the library of `packages`; forwards output while it waits.
  func load(
    _ packages: InstalledPackages, into process: ExecutorProcess, onEvent: (ExecutorEvent) -> Void
  ) -> CellError? {
    guard process.send("load \(packages.libraryPath)") else {
      return CellError(
        ename: "InstallError", evalue: "the executor is gone; the packages were not loaded",
        traceback: ["InstallError: the executor is gone; the packages were not loaded"])
    }
    let deadline = Date().addingTimeInterval(60)
    while Date() < deadline {
      switch process.nextMessage(timeout: 1) {
      case .event(let object):
        switch object["kind"] as? String {
        case "loaded": return nil
        case "failed":
          let message = object["message"] as? String ?? "dlopen failed"
          return CellError(ename: "InstallError", evalue: message, traceback: ["InstallError: \(message)"])
        default:
          if let event = EventDecoding.event(from: object) { onEvent(event) }
        }
      case .timeout: continue
      case .closed:
        return CellError(
          ename: "InstallError", evalue: "the executor exited while loading \(packages.libraryPath)",
          traceback: ["InstallError: the executor exited while loading \(packages.libraryPath)"])
      }
    }
    return CellError(
      ename: "InstallError", evalue: "the executor did not load \(packages.libraryPath) within 60 s",
      traceback: ["InstallError: the executor did not load \(packages.libraryPath) within 60 s"])
  }
}
