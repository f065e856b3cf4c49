import CProcessControl
import Foundation

// MARK: - Cell executor

/// Compiles notebook cells into Swift modules and runs them in a separate executor process
/// that has the library preloaded; state lives on from cell to cell.
///
/// The executor keeps a snapshot of itself from before each cell: when a cell kills the
/// process running it (a trap, `exit()`, a kill after an interrupt), the snapshot takes over
/// and the notebook is back where it was before that cell.
///
/// `execute` runs one cell at a time; `interrupt` may be called from another thread.
public final class CellExecutor: @unchecked Sendable {
  /// The configuration this executor runs with; its `workDirectory` is the private folder.
  public internal(set) var configuration: ExecutorConfiguration
  private var compiler: CellCompiler
  /// Lets `interrupt()` kill the toolchain program a compile is running.
  let cancellation = ToolCancellation()
  /// Symbol graphs of the preloaded modules and of cells, for completion and inspection.
  private(set) var symbolIndex: SymbolIndex
  private var workFolder: WorkFolder
  private(set) var process: ExecutorProcess? {
    didSet {
      stateLock.lock()
      processID = process?.pid
      stateLock.unlock()
    }
  }
  /// The executor's pid, readable by `interrupt()` from another thread (under `stateLock`).
  private var processID: pid_t?
  private var cells: [CompiledCell] = []
  private var nextCellNumber = 1
  private let executionLock = NSLock()
  private let stateLock = NSLock()
  private var running = false
  private var interruptDeadline: Date?
  private var interruptRequested = false
  /// The packages `%install` built and the executor loads (again after it is replaced).
  var installed: InstalledPackages?
  /// `sourcekit-lsp`, which completion and inspection ask before the symbol index.
  let languageServer: NotebookLanguageServer

  /// Checks the toolchain, creates a private work folder (removing those of kernels that
  /// died) and starts the executor child process.
  public init(configuration: ExecutorConfiguration) throws {
    try configuration.checkToolchain()
    WorkFolder.removeStale(in: configuration.workParent)
    workFolder = try WorkFolder.create(in: configuration.workParent)
    var configuration = configuration
    configuration.workDirectory = workFolder.path
    self.configuration = configuration
    compiler = CellCompiler(configuration: configuration, cancellation: cancellation)
    symbolIndex = SymbolIndex(configuration: configuration)
    languageServer = NotebookLanguageServer(
      executable: configuration.languageServerPath, deadline: configuration.languageServerDeadline)
    signal(SIGPIPE, SIG_IGN)
    // A snapshot that takes over is orphaned; as subreaper this process can wait for it.
    if realnvp_become_child_subreaper() != 0 {
      fputs("realnvp-kernel: cannot reap restored executors (prctl errno \(errno))\n", stderr)
    }
    let first: ExecutorProcess
    do {
      first = try ExecutorProcess(configuration: configuration)
    } catch {
      workFolder.remove()
      throw error
    }
    process = first
    processID = first.pid  // observers do not run in init
  }

  deinit {
    languageServer.stop()
    process?.terminate()
    workFolder.remove()
  }

  /// Global names declared by the cells that are alive in the current executor.
  public var liveDeclarations: [CellDeclaration] {
    stateLock.lock()
    defer { stateLock.unlock() }
    return cells.flatMap(\.declarations)
  }

  /// Module names of the cells that are alive in the current executor, oldest first.
  var liveCellModules: [String] {
    stateLock.lock()
    defer { stateLock.unlock() }
    return cells.map(\.moduleName)
  }

  /// Doc comments of the live cells' top-level names (latest definition wins).
  var liveDocumentation: [String: String] {
    stateLock.lock()
    defer { stateLock.unlock() }
    return cells.reduce(into: [:]) { result, cell in result.merge(cell.documentation) { $1 } }
  }

  /// Replaces or extends the list of live cells under the state lock.
  func updateCells(_ change: (inout [CompiledCell]) -> Void) {
    stateLock.lock()
    change(&cells)
    stateLock.unlock()
  }

  // MARK: - Running cells

  /// Compiles and runs one cell; calls `onEvent` live as output happens, in order; returns
  /// when the cell is done.
  ///
  /// A read of standard input (`readLine()`) calls `readInput` with a prompt and whether the
  /// input is a password; its nil, or a missing `readInput`, is end of input. Without
  /// `readInput`, the first read of a cell also writes to stderr why there is no input.
  public func execute(
    _ code: String, readInput: ((_ prompt: String, _ password: Bool) -> String?)? = nil,
    onEvent: @escaping (ExecutorEvent) -> Void
  ) -> CellOutcome {
    executionLock.lock()
    defer { executionLock.unlock() }
    setRunning(true)
    defer { setRunning(false) }
    if code.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return .success }
    let commands: CellCommands
    do {
      commands = try CellMagic.parse(code)
    } catch {
      return .compileError(
        CellError(ename: "UsageError", evalue: error.message, traceback: ["UsageError: \(error)"]))
    }
    if !commands.installs.isEmpty, let error = install(commands, onEvent: onEvent) {
      return takeInterruptRequest() ? .interrupted(error) : .compileError(error)
    }
    if commands.swift.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return .success }
    let number = nextCellNumber
    nextCellNumber += 1
    let transformed = CellTransform.transform(commands.swift)
    let imports = CellImports.lines(
      prelude: configuration.preludeModules, earlier: liveCells,
      ownNames: Set(transformed.declarations.map(\.name)))
    let library: String
    cancellation.reset()
    if currentInterruptDeadline() != nil { cancellation.cancel() }
    let compileStart = Date()
    let compilation = compiler.compile(
      number: number, code: code, transformed: transformed, imports: imports)
    if takeInterruptRequest() { return .interrupted(Self.compileCancelled) }
    if commands.timed, case .success = compilation {
      onEvent(.stdout("Compile time: \(TimingText.format(Date().timeIntervalSince(compileStart)))\n"))
    }
    switch compilation {
    case .failure(let error): return .compileError(error)
    case .success(let path): library = path
    }
    if process == nil, let error = startProcess() { return .runtimeError(error) }
    if let process { takeEventsBetweenCells(from: process, onEvent: onEvent) }
    guard let process, process.send("run \(library)") else {
      return .runtimeError(restartAfterCrash(stderr: "", termination: nil))
    }
    let compiled = CompiledCell(
      moduleName: "Cell_\(number)", libraryPath: library, declarations: transformed.declarations,
      needsWholeImport: transformed.needsWholeImport, declaresAnything: transformed.declaresAnything,
      documentation: transformed.documentation, importLines: transformed.importLines, source: commands.swift)
    return waitForCell(compiled, process: process, readInput: readInput, onEvent: onEvent)
  }

  // MARK: - Interrupt, restart, shutdown

  /// Asks the running cell to stop: a compile in progress is cancelled; a running cell gets
  /// SIGINT now (library loops return at their next check), then SIGKILL if it has not
  /// returned after the grace period, and the snapshot from before the cell takes over.
  public func interrupt() {
    stateLock.lock()
    defer { stateLock.unlock() }
    guard running else { return }
    interruptRequested = true
    if interruptDeadline == nil {
      interruptDeadline = Date().addingTimeInterval(configuration.interruptGracePeriod)
    }
    cancellation.cancel()
    if let processID { kill(processID, SIGINT) }
  }

  /// Kills the executor and starts a fresh one in a new work folder; every earlier cell's
  /// state and files are gone. Must not run while completions are being computed.
  public func restart() throws {
    executionLock.lock()
    defer { executionLock.unlock() }
    process?.terminate()
    process = nil
    updateCells { $0 = [] }
    workFolder.remove()
    workFolder = try WorkFolder.create(in: configuration.workParent)
    configuration.workDirectory = workFolder.path
    if let installed {
      configuration.moduleSearchPaths.removeAll { installed.moduleSearchPaths.contains($0) }
      configuration.loadedModules.removeAll { installed.modules.contains($0) }
      self.installed = nil
    }
    compiler = CellCompiler(configuration: configuration, cancellation: cancellation)
    symbolIndex = SymbolIndex(configuration: configuration)
    process = try ExecutorProcess(configuration: configuration)
  }

  /// Stops the executor for good and removes the work folder.
  public func shutdown() {
    executionLock.lock()
    defer { executionLock.unlock() }
    languageServer.stop()
    process?.send("exit")
    process?.terminate()
    process = nil
    updateCells { $0 = [] }
    workFolder.remove()
  }

  /// Builds the error for a crash without a snapshot and starts a new executor.
  func restartAfterCrash(stderr: String, termination: Termination?) -> CellError {
    replaceProcess()
    return CrashReport.error(stderr: stderr, termination: termination, restored: false)
  }

  /// Builds the error for a killed cell without a snapshot and starts a new executor.
  func restartAfterInterrupt() -> CellError {
    _ = takeInterruptRequest()
    replaceProcess()
    return CrashReport.killedAfterInterrupt(grace: configuration.interruptGracePeriod, restored: false)
  }

  /// Publishes the current executor's pid to `interrupt()` after a snapshot took over.
  func refreshProcessID() {
    stateLock.lock()
    processID = process?.pid
    stateLock.unlock()
  }

  /// Makes the compiler see the configuration as it is now (after `%install` changed it).
  func refreshCompiler() {
    compiler = CellCompiler(configuration: configuration, cancellation: cancellation)
  }

  /// Replaces the executor without taking the execution lock (the caller holds it).
  private func replaceProcess() {
    process?.terminate()
    process = nil
    updateCells { $0 = [] }
    _ = startProcess()
  }

  /// Starts a new executor (loading installed packages into it); returns why it failed, or nil.
  func startProcess() -> CellError? {
    do {
      process = try ExecutorProcess(configuration: configuration)
      if let installed, let process, let failure = load(installed, into: process, onEvent: { _ in }) {
        return failure
      }
      return nil
    } catch {
      return CellError(ename: "ExecutorError", evalue: "\(error)", traceback: ["\(error)"])
    }
  }

  // MARK: - Interrupt state

  /// The cells alive in the current executor, oldest first.
  var liveCells: [CompiledCell] {
    stateLock.lock()
    defer { stateLock.unlock() }
    return cells
  }

  private func setRunning(_ value: Bool) {
    stateLock.lock()
    running = value
    if !value { interruptDeadline = nil }
    stateLock.unlock()
  }

  func currentInterruptDeadline() -> Date? {
    stateLock.lock()
    defer { stateLock.unlock() }
    return interruptDeadline
  }

  func takeInterruptRequest() -> Bool {
    stateLock.lock()
    defer { stateLock.unlock() }
    let requested = interruptRequested
    interruptRequested = false
    return requested
  }
}

// MARK: - Editor support

extension CellExecutor {
  /// Whether `code` can run as it is (Jupyter `is_complete_request`).
  public func isComplete(_ code: String) -> CodeCompleteness { CodeCompleteness.ofCell(code) }
}
