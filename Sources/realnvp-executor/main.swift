import CCellSupport
import Foundation
import NotebookDisplay
import RealNVP
import TensorCore

// The notebook executor: the kernel starts it with descriptor 3 for events (JSON lines out),
// 4 for commands (lines in: "run <path of a cell library>") and 5 for crash reports. It
// dlopens each compiled cell with RTLD_GLOBAL, so later cells bind to earlier cells' globals
// and every cell binds to this process's one copy of the library (exported dynamically).

// MARK: - Start-up

let eventFD: Int32 = 3
let commandFD: Int32 = 4
let crashFD: Int32 = 5

guard fcntl(eventFD, F_GETFD) >= 0, fcntl(commandFD, F_GETFD) >= 0 else {
  FileHandle.standardError.write(
    "realnvp-executor is started by realnvp-kernel: it expects descriptors 3 (events) and 4 (commands)\n"
      .data(using: .utf8)!)
  exit(2)
}

let writer = EventWriter(fd: eventFD)
let pump = OutputPump(writer: writer)
CrashReporter.install(stderrRead: pump.stderrRead, reportFD: crashFD)
DisplayChannel.connectNotebook { event in
  if case .result(let bundle) = event, bundle.data["text/plain"] == "()", bundle.data.count == 1 {
    return
  }
  pump.drain { writer.writeUnlocked(event.wireObject) }
}
DefaultTrainingProgress.showProgressBars()
realnvp_set_top_level_error_hook { box in
  // The runtime passes the thrown value as the single-pointer box of an `any Error`.
  let error = unsafeBitCast(box, to: Error.self)
  let type = String(reflecting: Swift.type(of: error))
  pump.drain {
    writer.writeUnlocked(["kind": "thrown", "type": type, "message": String(describing: error)])
  }
  pthread_exit(nil)
}
pump.start()
writer.write(["kind": "ready", "pid": Int(getpid())])

// MARK: - Command loop

/// Runs `runCell` on a thread of its own with an 8 MiB stack, so that an error thrown by the
/// cell's top-level code can end that thread (see CCellSupport) while the executor lives on.
func runCellOnItsOwnThread(at path: String) -> String? {
  final class Job {
    let path: String
    var failure: String?
    init(path: String) { self.path = path }
  }
  let job = Job(path: path)
  var attributes = pthread_attr_t()
  pthread_attr_init(&attributes)
  pthread_attr_setstacksize(&attributes, 8 << 20)
  defer { pthread_attr_destroy(&attributes) }
  var thread = pthread_t()
  let context = Unmanaged.passRetained(job).toOpaque()
  let status = pthread_create(
    &thread, &attributes,
    { raw in
      let job = Unmanaged<Job>.fromOpaque(raw!).takeUnretainedValue()
      job.failure = runCell(at: job.path)
      return nil
    }, context)
  guard status == 0 else {
    Unmanaged<Job>.fromOpaque(context).release()
    return "could not start a thread for the cell (error \(status))"
  }
  pthread_join(thread, nil)
  Unmanaged<Job>.fromOpaque(context).release()
  return job.failure
}

/// Loads a cell library and runs its top-level code; returns an error message or nil.
func runCell(at path: String) -> String? {
  guard let handle = dlopen(path, RTLD_NOW | RTLD_GLOBAL) else {
    return "could not load \(path): \(String(cString: dlerror()))"
  }
  guard let symbol = dlsym(handle, "main") else {
    return "\(path) has no entry point 'main'"
  }
  typealias Entry = @convention(c) (Int32, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32
  let entry = unsafeBitCast(symbol, to: Entry.self)
  _ = entry(0, nil)
  return nil
}

let commands = FileHandle(fileDescriptor: commandFD, closeOnDealloc: false)
var buffered = Data()
commandLoop: while true {
  while let newline = buffered.firstIndex(of: 0x0A) {
    let line = String(decoding: buffered[buffered.startIndex..<newline], as: UTF8.self)
    buffered.removeSubrange(buffered.startIndex...newline)
    if line == "exit" { break commandLoop }
    guard line.hasPrefix("run ") else {
      writer.write(["kind": "failed", "message": "unknown command: \(line)"])
      continue
    }
    Interruption.clear()
    let failure = runCellOnItsOwnThread(at: String(line.dropFirst(4)))
    pump.drain {
      if let failure { writer.writeUnlocked(["kind": "failed", "message": failure]) }
      writer.writeUnlocked(["kind": "done"])
    }
  }
  let chunk = commands.availableData
  if chunk.isEmpty { break }
  buffered.append(chunk)
}
fflush(stdout)
exit(0)
