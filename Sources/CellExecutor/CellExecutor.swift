import CProcessControl
import ExecutorWire
import Foundation

// MARK: - Cell executor

/// Compiles notebook cells into Swift modules and runs them in a separate executor process
/// that has the library preloaded; state lives on from cell to cell.
///
/// The executor keeps a snapshot of itself from before each cell: when a cell kills the
/// process running it (a trap, `exit()`, a kill after an interrupt), the snapshot takes over
/// and the notebook is back where it was before that cell.
///
/// This class coordinates the parts: cell commands (`CellMagic`, `PackageInstaller`), the
/// compiler (`CellCompiler`), the executor process (`ExecutorProcess`) and the editor side
/// (`EditorSupport`). `execute` runs one cell at a time; `interrupt` may be called from
/// another thread, completion and inspection too.
public final class CellExecutor: @unchecked Sendable {
  /// The configuration this executor runs with; its `workDirectory` is the private folder.
  public internal(set) var configuration: ExecutorConfiguration {
    didSet {
      compiler = CellCompiler(configuration: configuration, cancellation: interrupts.cancellation)
      editor.reconfigure(configuration)
    }
  }
  private var compiler: CellCompiler
  private var workFolder: WorkFolder
  /// The executor process; read under `processLock` because comm deliveries read it from
  /// another thread while a cell runs.
  private(set) var process: ExecutorProcess? {
    get { processLock.withLock { processStorage } }
    set {
      processLock.withLock { processStorage = newValue }
      interrupts.processID = newValue?.pid
    }
  }
  private var processStorage: ExecutorProcess?
  private let processLock = NSLock()
  /// The packages `%install` built and the executor loads (again after it is replaced).
  var installed: InstalledPackages?
  private var nextCellNumber = 1
  private let cells = LiveCells()
  let interrupts = InterruptState()
  private let editor: EditorSupport
  /// Held while a cell runs, and by a comm delivery that reads the executor's answers itself.
  let executionLock = NSLock()

  /// Checks the toolchain, creates a private work folder (removing those of kernels that
  /// died) and starts the executor child process.
  public init(configuration: ExecutorConfiguration) throws {
    try configuration.checkToolchain()
    WorkFolder.removeStale(in: configuration.workParent)
    workFolder = try WorkFolder.create(in: configuration.workParent)
    var configuration = configuration
    configuration.workDirectory = workFolder.path
    self.configuration = configuration
    compiler = CellCompiler(configuration: configuration, cancellation: interrupts.cancellation)
    editor = EditorSupport(configuration: configuration, cells: cells)
    signal(SIGPIPE, SIG_IGN)
    // A snapshot that takes over is orphaned; as subreaper this process can wait for it.
    if realnvp_become_child_subreaper() != 0 {
      fputs("realnvp-kernel: cannot reap restored executors (prctl errno \(errno))\n", stderr)
    }
    do {
      process = try ExecutorProcess(configuration: configuration)
    } catch {
      workFolder.remove()
      throw error
    }
  }

  deinit {
    editor.languageServer.stop()
    process?.terminate()
    workFolder.remove()
  }

  // MARK: - Running cells

  /// Compiles and runs one cell; calls `onEvent` live as output happens, in order; returns
  /// when the cell is done. `parentID` names the request the cell's outputs belong to (an
  /// `Output` widget that captures them shows it to the frontend).
  ///
  /// A read of standard input (`readLine()`) calls `readInput` with a prompt and whether the
  /// input is a password; its nil, or a missing `readInput`, is end of input. Without
  /// `readInput`, the first read of a cell also writes to stderr why there is no input.
  public func execute(
    _ code: String, parentID: String = "",
    readInput: ((_ prompt: String, _ password: Bool) -> String?)? = nil,
    onEvent: @escaping (ExecutorEvent) -> Void
  ) -> CellOutcome {
    executionLock.lock()
    defer { executionLock.unlock() }
    interrupts.setRunning(true)
    defer { interrupts.setRunning(false) }
    if code.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return .success }
    let commands: CellCommands
    do {
      commands = try CellMagic.parse(code)
    } catch {
      return .compileError(
        CellError(ename: "UsageError", evalue: error.message, traceback: ["UsageError: \(error)"]))
    }
    if !commands.installs.isEmpty, let error = install(commands, onEvent: onEvent) {
      return interrupts.take() ? .interrupted(error) : .compileError(error)
    }
    if commands.swift.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return .success }
    let number = nextCellNumber
    nextCellNumber += 1
    let transformed = CellTransform.transform(commands.swift)
    let imports = CellImports.lines(
      prelude: CellMagic.preludeModules(configuration.preludeModules, for: commands), earlier: cells.all,
      ownNames: Set(transformed.declarations.map(\.name)), referenced: transformed.referencedNames)
    interrupts.cancellation.reset()
    if interrupts.killDeadline != nil { interrupts.cancellation.cancel() }
    let compileStart = Date()
    let compilation = compiler.compile(number: number, code: code, transformed: transformed, imports: imports)
    if interrupts.take() { return .interrupted(.compileCancelled) }
    let library: String
    switch compilation {
    case .failure(let error): return .compileError(error)
    case .success(let path): library = path
    }
    if commands.timed {
      onEvent(.stdout("Compile time: \(TimingText.format(Date().timeIntervalSince(compileStart)))\n"))
    }
    if process == nil, let error = startProcess() { return .runtimeError(error) }
    guard let process else { return .runtimeError(restartAfterCrash(stderr: "", termination: nil)) }
    process.takeOutputBetweenCells(interrupts: interrupts, onEvent: onEvent)
    let stop = process.runCell(
      library: library, parentID: parentID, interrupts: interrupts,
      readInput: ExecutorProcess.inputReader(readInput, onEvent: onEvent),
      onEvent: onEvent)
    if stop.snapshotTookOver {
      // The frontend saw the cell's widget changes; the restored executor sends its own state.
      _ = recoverComms(process, failure: nil, parentID: parentID, readerHeld: true, onEvent: onEvent)
    }
    let cell = CompiledCell(
      moduleName: "Cell_\(number)", libraryPath: library, declarations: transformed.declarations,
      needsWholeImport: transformed.needsWholeImport, declaresAnything: transformed.declaresAnything,
      documentation: transformed.documentation, importLines: transformed.importLines, source: commands.swift)
    return outcome(of: cell, stop)
  }

  /// The outcome of `cell` from how it stopped: a cell that ran is alive from now on; one that
  /// killed the executor without a snapshot left a fresh executor behind.
  private func outcome(of cell: CompiledCell, _ stop: CellStop) -> CellOutcome {
    let interrupted = interrupts.take()
    let grace = configuration.interruptGracePeriod
    switch stop {
    case .ended(.returned):
      cells.append(cell)
      return interrupted ? .interrupted(nil) : .success
    case .ended(.threw(let type, let message)):
      return .uncaughtError(
        CellError(
          ename: type, evalue: message,
          traceback: [
            "\(type): \(message)", "",
            "The cell threw at top level: its definitions were discarded; earlier cells' state is kept.",
          ]))
    case .ended(.notLoaded(let reason)):
      return .runtimeError(CellError(ename: "LoadError", evalue: reason, traceback: [reason]))
    case .skipped:
      return .interrupted(.interruptedBeforeRunning)
    case .rolledBack(let ended, let stderr):
      return .rolledBack(
        CrashReport.error(
          stderr: stderr, termination: ended, restored: true, memoryLimit: configuration.memoryLimit))
    case .killedAndRolledBack:
      return .interrupted(CrashReport.killedAfterInterrupt(grace: grace, restored: true))
    case .died(let ended, let stderr):
      return .runtimeError(restartAfterCrash(stderr: stderr, termination: ended))
    case .killedAndLost:
      replaceProcess()
      return .interrupted(CrashReport.killedAfterInterrupt(grace: grace, restored: false))
    }
  }

  // MARK: - Interrupt, restart, shutdown

  /// Asks the running cell to stop: a compile in progress is cancelled; a running cell gets
  /// SIGINT now (library loops return at their next check), then SIGKILL if it has not
  /// returned after the grace period, and the snapshot from before the cell takes over.
  public func interrupt() {
    interrupts.request(grace: configuration.interruptGracePeriod)
  }

  /// Kills the executor and starts a fresh one in a new work folder; every earlier cell's
  /// state and files are gone.
  public func restart() throws {
    executionLock.lock()
    defer { executionLock.unlock() }
    process?.terminate()
    process = nil
    cells.removeAll()
    workFolder.remove()
    workFolder = try WorkFolder.create(in: configuration.workParent)
    var fresh = configuration
    fresh.workDirectory = workFolder.path
    if let installed {
      fresh.moduleSearchPaths.removeAll { installed.moduleSearchPaths.contains($0) }
      fresh.loadedModules.removeAll { installed.modules.contains($0) }
      self.installed = nil
    }
    configuration = fresh
    process = try ExecutorProcess(configuration: configuration)
  }

  /// Stops the executor for good and removes the work folder.
  public func shutdown() {
    executionLock.lock()
    defer { executionLock.unlock() }
    editor.languageServer.stop()
    process?.send(.exit)
    process?.terminate()
    process = nil
    cells.removeAll()
    workFolder.remove()
  }

  /// Builds the error for a crash without a snapshot and starts a new executor.
  private func restartAfterCrash(stderr: String, termination: Termination?) -> CellError {
    replaceProcess()
    return CrashReport.error(
      stderr: stderr, termination: termination, restored: false, memoryLimit: configuration.memoryLimit)
  }

  /// Replaces the executor without taking the execution lock (the caller holds it).
  private func replaceProcess() {
    process?.terminate()
    process = nil
    cells.removeAll()
    _ = startProcess()
  }

  /// Starts a new executor (loading installed packages into it); returns why it failed, or nil.
  func startProcess() -> CellError? {
    do {
      let started = try ExecutorProcess(configuration: configuration)
      process = started
      if let installed, let reason = started.load(library: installed.libraryPath, onEvent: { _ in }) {
        return Self.installError(reason)
      }
      return nil
    } catch {
      return CellError(ename: "ExecutorError", evalue: "\(error)", traceback: ["\(error)"])
    }
  }
}

// MARK: - Editor support

extension CellExecutor {
  /// Whether `code` can run as it is (Jupyter `is_complete_request`).
  public func isComplete(_ code: String) -> CodeCompleteness { CodeCompleteness.ofCell(code) }

  /// Completion candidates at `cursor` (Unicode scalars): from `sourcekit-lsp` when it answers
  /// within its deadline, else from the symbol index.
  public func completions(for code: String, cursor: Int) -> CompletionMatches {
    editor.completions(for: code, cursor: cursor)
  }

  /// The signature and doc comment at `cursor`: from `sourcekit-lsp` when it answers within its
  /// deadline, else from the symbol index.
  public func inspection(for code: String, cursor: Int) -> String? {
    editor.inspection(for: code, cursor: cursor)
  }
}
