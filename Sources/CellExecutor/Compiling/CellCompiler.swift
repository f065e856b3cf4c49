import Foundation

// MARK: - Compiling a cell

/// Compiles a transformed cell into `libCell_N.so` with swift-frontend, then links it with
/// clang, the way `swiftc -c` + `swiftc -emit-library` would but without the driver.
struct CellCompiler {
  /// Where things are.
  let configuration: ExecutorConfiguration
  /// Lets an interrupt kill the tool a compile is running.
  let cancellation: ToolCancellation
  /// The linker's command line, learned from the driver on the first link.
  let linkerCommand = LinkerCommandCache()

  /// Directory holding the `.swiftmodule` of every compiled cell.
  var cellModulesDirectory: String { configuration.workDirectory + "/modules" }

  /// The `#sourceLocation` file name of cell `number`, as diagnostics show it.
  static func cellFileName(_ number: Int) -> String { "<cell \(number)>" }

  /// Compiles `transformed` as module `Cell_<number>` with the given import lines; returns
  /// the library path, or the compile error (columns mapped to `code`).
  func compile(
    number: Int, code: String, transformed: TransformedCell, imports: [String]
  ) -> Result<String, CellError> {
    let name = "Cell_\(number)"
    let dir = configuration.workDirectory + "/" + name
    let files = FileManager.default
    do {
      try files.createDirectory(atPath: dir, withIntermediateDirectories: true)
      try files.createDirectory(atPath: cellModulesDirectory, withIntermediateDirectories: true)
      let fileName = Self.cellFileName(number)
      let source =
        imports.joined(separator: "\n") + "\n#sourceLocation(file: \"\(fileName)\", line: 1)\n"
        + transformed.body + "\n"
      try source.write(toFile: dir + "/main.swift", atomically: false, encoding: .utf8)
    } catch {
      return .failure(
        CellError(ename: "CompileError", evalue: "cannot write \(dir): \(error)", traceback: []))
    }
    let usr = configuration.toolchainPath
    var frontend = [
      "-frontend", "-c", dir + "/main.swift", "-module-name", name, "-disable-objc-interop",
      "-Onone", "-suppress-warnings", "-no-color-diagnostics", "-diagnostic-style", "llvm",
      "-o", dir + "/main.o", "-I", cellModulesDirectory,
    ]
    if transformed.declaresAnything {  // later cells import nothing from a cell of statements
      frontend += [
        "-emit-module-path", cellModulesDirectory + "/\(name).swiftmodule",
        "-emit-module-doc-path", cellModulesDirectory + "/\(name).swiftdoc",
      ]
    }
    for path in configuration.moduleSearchPaths { frontend += ["-I", path] }
    frontend += configuration.extraCompilerFlags
    let compiled = run(usr + "/bin/swift-frontend", frontend)
    guard compiled.status == 0 else {
      return .failure(
        CompilerDiagnostics.compileError(
          output: compiled.output, cellFile: Self.cellFileName(number), code: code,
          columnMap: transformed.columnMap))
    }
    let library = dir + "/lib\(name).so"
    // Libraries the executor has loaded resolve at dlopen; only a cell importing a module
    // the executor lacks needs the object's autolink entries (an extra tool run, ~30 ms),
    // and that rare cell is linked through the driver, which reads their response file.
    let loaded = Set(configuration.preludeModules).union(Self.executorModules).union(
      configuration.loadedModules)
    var autolink: [String]?
    if transformed.importedModules.contains(where: { !loaded.contains($0) && !$0.hasPrefix("Cell_") }) {
      let extracted = run(
        usr + "/bin/swift-autolink-extract", [dir + "/main.o", "-o", dir + "/autolink"])
      if extracted.status == 0 { autolink = ["@" + dir + "/autolink"] }
    }
    let linked = link(object: dir + "/main.o", into: library, autolink: autolink)
    guard linked.status == 0 else {
      return .failure(
        CellError(
          ename: "CompileError", evalue: "linking \(name) failed",
          traceback: linked.output.components(separatedBy: "\n")))
    }
    return .success(library)
  }

  /// Links `object` into the shared library `library`: with the linker alone (its command
  /// learned from the driver on the first call), or through the clang driver when `autolink`
  /// names a response file or the driver's command could not be learned.
  private func link(object: String, into library: String, autolink: [String]?) -> (
    status: Int32, output: String
  ) {
    let clang = configuration.toolchainPath + "/bin/clang"
    let runtime = configuration.toolchainPath + "/lib/swift/linux"
    let driverArguments = { (libraries: [String]) in
      [
        "-shared", "-Xlinker", "-rpath", "-Xlinker", runtime, runtime + "/\(Self.architecture)/swiftrt.o",
        object, "-L", runtime, "-o", library,
      ] + libraries + configuration.extraLinkerFlags
    }
    let libraries = ["-lswiftCore", "-lswiftSwiftOnoneSupport"]
    if let autolink { return run(clang, driverArguments(autolink)) }
    let command = linkerCommand.command {
      let printed = run(clang, ["-###"] + driverArguments([LinkerCommand.librariesMarker]))
      guard printed.status == 0 else { return nil }
      return LinkerCommand.parse(driverOutput: printed.output, object: object, output: library)
    }
    guard let command else { return run(clang, driverArguments(libraries)) }
    return run(command.linker, command.arguments(object: object, output: library, libraries: libraries))
  }

  /// Modules whose libraries the executor process always has loaded.
  static let executorModules: Set<String> = [
    "Swift", "Foundation", "FoundationEssentials", "Dispatch", "Glibc", "_Concurrency",
    "Synchronization", "TensorCore", "RealNVP", "Glow", "NotebookDisplay", "Widgets", "ExecutorWire",
    CellMagic.runtimeModule,
  ]

  // MARK: - Processes

  /// The runtime library subdirectory for this machine.
  static var architecture: String {
    #if arch(arm64)
      return "aarch64"
    #else
      return "x86_64"
    #endif
  }

  /// Runs a tool to completion; returns its exit status and its stdout and stderr together.
  func run(_ tool: String, _ arguments: [String]) -> (status: Int32, output: String) {
    ToolRunner.run(tool, arguments, cancellation: cancellation)
  }
}
