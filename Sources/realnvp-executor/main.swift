import Foundation
import NotebookDisplay
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
DisplayChannel.send = { event in
  if case .result(let bundle) = event, bundle.data["text/plain"] == "()", bundle.data.count == 1 {
    return
  }
  pump.drain { writer.writeUnlocked(event.wireObject) }
}
pump.start()
writer.write(["kind": "ready", "pid": Int(getpid())])

// MARK: - Command loop

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
    let failure = runCell(at: String(line.dropFirst(4)))
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
