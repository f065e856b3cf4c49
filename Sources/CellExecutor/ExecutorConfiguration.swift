import Foundation

// MARK: - Configuration

/// Where the executor, the compiler and the preloaded modules are, and how cells are built.
public struct ExecutorConfiguration: Sendable {
  /// The `realnvp-executor` binary.
  public var executorPath: String
  /// Directories searched for `.swiftmodule`s and clang module maps (`-I`).
  public var moduleSearchPaths: [String]
  /// Modules that every cell imports; by default Foundation and the preloaded library.
  public var preludeModules: [String]
  /// The folder in which each executor creates its private work folder (see `WorkFolder`);
  /// by default the system's temporary folder.
  public var workParent: String
  /// The executor's private folder for generated sources, objects, modules and libraries of
  /// cells; `CellExecutor` creates it and sets this.
  public internal(set) var workDirectory = ""
  /// The toolchain's `usr` directory (holds `bin/swift-frontend`, `bin/clang`, `lib/swift`).
  public var toolchainPath: String
  /// Seconds an interrupted cell has to return before the executor is killed.
  public var interruptGracePeriod: Double
  /// Extra `swift-frontend` flags for every cell.
  public var extraCompilerFlags: [String]
  /// Extra linker flags for every cell library (`-L...`, `-l...`); empty by default, since
  /// cells bind to the library symbols that the executor exports.
  public var extraLinkerFlags: [String]
  /// Modules of libraries the executor loaded besides its own (packages from `%install`):
  /// cells that import them bind to the loaded library instead of linking it.
  public var loadedModules: [String] = []
  /// The `sourcekit-lsp` that completion and inspection ask first, or nil for the symbol index
  /// alone: `$REALNVP_SOURCEKIT_LSP` when set (empty turns it off), else the toolchain's.
  public var languageServerPath: String?
  /// Seconds a completion or inspection may wait for `sourcekit-lsp` before the index answers.
  public var languageServerDeadline: Double = 1
  /// The most address space the executor may take, or nil for no limit (the default;
  /// `fromBuildDirectory` takes `$REALNVP_EXECUTOR_MEMORY`).
  public var memoryLimit: MemoryLimit?

  /// Creates a configuration; `toolchainPath` defaults to the one holding `swiftc` on PATH.
  public init(
    executorPath: String, moduleSearchPaths: [String],
    preludeModules: [String] = ["Foundation", "TensorCore", "RealNVP", "Glow", "NotebookDisplay", "Widgets"],
    workParent: String = NSTemporaryDirectory(), toolchainPath: String? = nil,
    interruptGracePeriod: Double = 3,
    extraCompilerFlags: [String] = [], extraLinkerFlags: [String] = []
  ) {
    self.executorPath = executorPath
    self.moduleSearchPaths = moduleSearchPaths
    self.preludeModules = preludeModules
    self.workParent = workParent
    self.toolchainPath = toolchainPath ?? Self.defaultToolchainPath()
    self.languageServerPath = Self.defaultLanguageServerPath(toolchainPath: self.toolchainPath)
    self.interruptGracePeriod = interruptGracePeriod
    self.extraCompilerFlags = extraCompilerFlags
    self.extraLinkerFlags = extraLinkerFlags
  }

  /// Derives everything from a SwiftPM build directory such as `.build/release`, and the
  /// memory limit from the environment.
  ///
  /// Modules come from `<build>/Modules`, module maps of C targets from `<build>/*.build` and
  /// of system-library targets from `<package>/Sources/*`; the executor is
  /// `<build>/realnvp-executor`.
  public static func fromBuildDirectory(
    _ buildDirectory: String, workParent: String = NSTemporaryDirectory()
  ) throws -> ExecutorConfiguration {
    let build = URL(fileURLWithPath: buildDirectory).resolvingSymlinksInPath()
    let files = FileManager.default
    let executor = build.appendingPathComponent("realnvp-executor").path
    guard files.isExecutableFile(atPath: executor) else {
      throw ExecutorError.missingExecutor(path: executor)
    }
    var searchPaths = [build.appendingPathComponent("Modules").path]
    let buildEntries = (try? files.contentsOfDirectory(atPath: build.path)) ?? []
    for entry in buildEntries.sorted() where entry.hasSuffix(".build") {
      let dir = build.appendingPathComponent(entry)
      if files.fileExists(atPath: dir.appendingPathComponent("module.modulemap").path) {
        searchPaths.append(dir.path)
      }
    }
    if let root = packageRoot(above: build) {
      let sources = root.appendingPathComponent("Sources")
      for entry in ((try? files.contentsOfDirectory(atPath: sources.path)) ?? []).sorted() {
        let dir = sources.appendingPathComponent(entry)
        if files.fileExists(atPath: dir.appendingPathComponent("module.modulemap").path) {
          searchPaths.append(dir.path)
        }
      }
    }
    var configuration = ExecutorConfiguration(
      executorPath: executor, moduleSearchPaths: searchPaths, workParent: workParent)
    configuration.memoryLimit = try MemoryLimit.fromEnvironment()
    return configuration
  }

  // MARK: - Defaults

  /// `$REALNVP_SWIFT_TOOLCHAIN` if set, else the `usr` directory of the toolchain whose
  /// `swift-frontend` is on PATH, else `/opt/swift/usr`.
  static func defaultToolchainPath() -> String {
    let environment = ProcessInfo.processInfo.environment
    if let chosen = environment["REALNVP_SWIFT_TOOLCHAIN"], !chosen.isEmpty { return chosen }
    let path = environment["PATH"] ?? ""
    for dir in path.split(separator: ":") {
      let candidate = "\(dir)/swift-frontend"
      if FileManager.default.isExecutableFile(atPath: candidate) {
        return URL(fileURLWithPath: candidate).resolvingSymlinksInPath()
          .deletingLastPathComponent().deletingLastPathComponent().path
      }
    }
    return "/opt/swift/usr"
  }

  /// `$REALNVP_SOURCEKIT_LSP` if set (nil when empty), else `bin/sourcekit-lsp` of the
  /// toolchain when it is there.
  static func defaultLanguageServerPath(toolchainPath: String) -> String? {
    if let chosen = ProcessInfo.processInfo.environment["REALNVP_SOURCEKIT_LSP"] {
      return chosen.isEmpty ? nil : chosen
    }
    let bundled = toolchainPath + "/bin/sourcekit-lsp"
    return FileManager.default.isExecutableFile(atPath: bundled) ? bundled : nil
  }

  private static func packageRoot(above start: URL) -> URL? {
    var dir = start
    for _ in 0..<6 {
      dir = dir.deletingLastPathComponent()
      if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
        return dir
      }
    }
    return nil
  }
}

// MARK: - Errors

/// Problems starting or talking to the executor that a user or installer can fix.
public enum ExecutorError: Error, CustomStringConvertible, Equatable {
  /// The executor binary is not where the configuration says.
  case missingExecutor(path: String)
  /// The executor could not be started or did not say it was ready.
  case startFailed(String)
  /// The work directory could not be created.
  case workDirectory(path: String, reason: String)
  /// The Swift toolchain that compiles cells lacks these files (or is not there at all).
  case missingToolchain(path: String, missing: [String])
  /// `$REALNVP_EXECUTOR_MEMORY` is set to something that is not a size.
  case invalidMemoryLimit(String)

  /// A message naming what was wrong and what was expected.
  public var description: String {
    switch self {
    case .missingExecutor(let path):
      return "no executor at \(path): expected the realnvp-executor binary built by `swift build`"
    case .startFailed(let reason):
      return "the executor did not start: \(reason)"
    case .workDirectory(let path, let reason):
      return "cannot use \(path) as the cell work directory: \(reason)"
    case .missingToolchain(let path, let missing):
      return "the Swift toolchain that compiles cells is missing: no \(missing.joined(separator: ", ")) "
        + "under \(path). Install the Swift 6.3 toolchain (swift.org/install) and put its usr/bin on "
        + "PATH, or set REALNVP_SWIFT_TOOLCHAIN to its usr folder, then restart the kernel"
    case .invalidMemoryLimit(let text):
      return "\(MemoryLimit.variable)=\(text) is not a size: expected a number of bytes, or one with "
        + "K, M, G or T (units of 1024) such as 512M or 4G; unset it for no limit, then restart the kernel"
    }
  }
}

// MARK: - Checking the toolchain

extension ExecutorConfiguration {
  /// The toolchain files every cell needs, relative to `toolchainPath`.
  static var requiredToolchainFiles: [String] {
    ["bin/swift-frontend", "bin/clang", "lib/swift/linux/\(CellCompiler.architecture)/swiftrt.o"]
  }

  /// Throws `missingToolchain` naming each required toolchain file that is not there.
  public func checkToolchain() throws {
    let missing = Self.requiredToolchainFiles.filter {
      !FileManager.default.fileExists(atPath: toolchainPath + "/" + $0)
    }
    guard missing.isEmpty else {
      throw ExecutorError.missingToolchain(path: toolchainPath, missing: missing)
    }
  }
}
