import CCellSupport
import CellRuntime
import ExecutorWire
import Foundation
import Glow
import NotebookDisplay
import RealNVP
import TensorCore
import Widgets

// The notebook executor: the kernel starts it with the descriptors of `ExecutorDescriptor`:
// `ExecutorMessage`s go out and `ExecutorCommand`s come in as JSON lines, the crash handler
// rescues stderr onto a third, and input replies come on a fourth (StandardInput.swift). It
// dlopens each compiled cell with RTLD_GLOBAL, so later cells bind to earlier cells' globals
// and every cell binds to this process's one copy of the library and of the cell commands'
// runtime (exported dynamically).
// Before each cell it forks a snapshot of itself (Snapshot.swift): if the cell kills the
// process, the snapshot carries on and reports `restored` with its pid. Comm messages from the
// frontend (widgets) are handled on this main thread, between cells with a snapshot of their
// own and while a cell runs next to it (CommHandling.swift).

// MARK: - Start-up

AddressSpaceLimit.apply()

let eventFD = ExecutorDescriptor.messages
let commandFD = ExecutorDescriptor.commands
let crashFD = ExecutorDescriptor.crashReport

guard fcntl(eventFD, F_GETFD) >= 0, fcntl(commandFD, F_GETFD) >= 0 else {
  FileHandle.standardError.write(
    "realnvp-executor is started by realnvp-kernel: it expects descriptors 3 (messages) and 4 (commands)\n"
      .data(using: .utf8)!)
  exit(2)
}

let writer = EventWriter(fd: eventFD)
let commands = CommandReader(fd: commandFD)
let pump = OutputPump(writer: writer)
CrashReporter.install(stderrRead: pump.stderrRead, reportFD: crashFD)
DisplayChannel.connectNotebook { event in
  if case .result(let bundle) = event, bundle.data["text/plain"] == "()", bundle.data.count == 1 {
    return
  }
  pump.drain { writer.writeUnlocked(event.message) }
}
DefaultTrainingProgress.showProgressBars()
registerGlow()
WidgetComms.registerTargets()
StandardInput.install()
/// What ended the running cell's top-level code when it threw (set on the cell's thread, read
/// after it was joined).
var thrownByCell: CellEnding?
realnvp_set_top_level_error_hook { box in
  // The runtime passes the thrown value as the single-pointer box of an `any Error`.
  let error = unsafeBitCast(box, to: Error.self)
  CellTiming.finishPending()
  thrownByCell = .threw(type: String(reflecting: Swift.type(of: error)), message: String(describing: error))
  CellThread.signalDone()
  pthread_exit(nil)
}
pump.start()
Lifeline.watch(commandFD: commandFD)
writer.write(.ready(pid: getpid()))

// MARK: - Command loop

/// Loads a cell library and runs its top-level code; `returned`, or why it could not run.
func runCell(at path: String) -> CellEnding {
  guard let handle = dlopen(path, RTLD_NOW | RTLD_GLOBAL) else {
    return .notLoaded(reason: "could not load \(path): \(String(cString: dlerror()))")
  }
  guard let symbol = dlsym(handle, "main") else {
    return .notLoaded(reason: "\(path) has no entry point 'main'")
  }
  typealias Entry = @convention(c) (Int32, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32
  let entry = unsafeBitCast(symbol, to: Entry.self)
  _ = entry(0, nil)
  return .returned
}

/// Reports the end of a cell, after everything it printed.
func finishCell(_ ending: CellEnding) {
  pump.endCell { writer.writeUnlocked(.cellEnded(ending)) }
}

/// In a snapshot that took over: re-creates the threads a fork leaves behind, forwards what the
/// dead process left in the output pipes, then tells the kernel which process it now talks to
/// and which comms it has.
func resumeAfterRestore() {
  Interruption.clear()
  pump.start()
  Lifeline.watch(commandFD: commandFD)
  pump.drain { writer.writeUnlocked(.restored(pid: getpid(), openComms: Comms.openIDs)) }
}

/// A snapshot of the state as it is now, taken while the executor waited for a command.
var spare: Snapshot?

/// The snapshot to run the next cell or callback under: the spare one when there is one (it is
/// used up), else one taken now.
func takeSnapshot() -> Snapshot.Taken {
  defer { spare = nil }
  return spare.map { Snapshot.Taken.kept($0) } ?? Snapshot.take(writer: writer, commandFD: commandFD)
}

/// Runs the cell library at `path` with a snapshot of the state before it; `parentID` is the
/// msg_id of its execute request.
func runWithSnapshot(path: String, parentID: String) {
  Interruption.clear()
  DisplayChannel.parentMessageID = parentID
  pump.beginCell()
  switch takeSnapshot() {
  case .restored:
    // The process that ran the cell died; this copy of the state before it carries on.
    resumeAfterRestore()
  case .kept(let snapshot) where Interruption.isRequested:
    // Interrupted while the snapshot was taken: the cell never starts.
    snapshot.discard()
    pump.endCell { writer.writeUnlocked(.cellSkipped) }
  case .kept(let snapshot):
    let ending = CellThread.run(commands: commands, handle: handleDuringCell) { runCell(at: path) }
    snapshot.discard()
    finishCell(ending)
  case .unavailable(let reason):
    writer.write(.noSnapshot(reason: reason))
    finishCell(CellThread.run(commands: commands, handle: handleDuringCell) { runCell(at: path) })
  }
}

/// Waits up to `milliseconds` for the command descriptor; returns whether it can be read.
/// While idle, takes the spare snapshot, so that the next cell starts without forking first.
func awaitCommand(milliseconds: Int32) -> Bool {
  var descriptor = pollfd(fd: commandFD, events: Int16(POLLIN), revents: 0)
  let ready = poll(&descriptor, 1, milliseconds)
  if ready > 0 { return true }
  guard ready == 0, spare == nil else { return false }
  switch Snapshot.take(writer: writer, commandFD: commandFD) {
  case .kept(let snapshot): spare = snapshot
  case .restored: resumeAfterRestore()
  case .unavailable: break
  }
  return false
}

/// Loads a library of installed packages for good: the spare snapshot, taken without it, is
/// dropped first, so that a cell that fails later rolls back to a state that has it. Answers
/// `loaded`, or `loadFailed` with dlerror's message.
func loadLibrary(at path: String) {
  spare?.discard()
  spare = nil
  if dlopen(path, RTLD_NOW | RTLD_GLOBAL) != nil {
    writer.write(.loaded)
  } else {
    writer.write(.loadFailed(reason: "could not load \(path): \(String(cString: dlerror()))"))
  }
}

commandLoop: while true {
  while let command = commands.next() {
    switch command {
    case .run(let library, let parentID): runWithSnapshot(path: library, parentID: parentID)
    case .load(let library): loadLibrary(at: library)
    case .comm(let delivery): handleComm(delivery, withSnapshot: true)
    case .recover(let token, let parentID, let failure):
      recover(token: token, parentID: parentID, failure: failure)
    case .exit: break commandLoop
    }
  }
  guard awaitCommand(milliseconds: 200) else { continue }
  guard commands.readAvailable() else { break }
}
spare?.discard()
fflush(stdout)
exit(0)
