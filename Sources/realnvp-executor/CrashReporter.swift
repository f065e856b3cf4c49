import ExecutorWire
import Foundation
import TensorCore

// MARK: - Signals

/// Descriptor of the stderr pipe's read end, for the crash handler (set once at start-up).
nonisolated(unsafe) private var crashStderrRead: Int32 = -1
/// Descriptor on which the crash handler copies the last stderr bytes for the kernel.
nonisolated(unsafe) private var crashReportFD: Int32 = -1
/// A buffer allocated at start-up, because a signal handler must not allocate.
nonisolated(unsafe) private var crashBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: 65536)
/// The line added to the report of a crash that came while `errno` was ENOMEM (made at start-up).
nonisolated(unsafe) private var outOfMemoryLine = strdup(ExecutorCrashNote.allocationFailed + "\n")!
/// Its length in bytes.
nonisolated(unsafe) private var outOfMemoryLineLength = strlen(outOfMemoryLine)

/// Installs the signal handlers of the executor.
///
/// SIGINT asks running library loops to stop (`Interruption.request()`). A trap (SIGILL,
/// SIGTRAP), a bad access (SIGSEGV, SIGBUS), SIGFPE or SIGABRT copies what is still waiting
/// in the stderr pipe (the runtime's "Fatal error: ..." message) to the crash descriptor, then
/// dies with the same signal. Only async-signal-safe calls are made.
///
/// A crash while the thread's `errno` is ENOMEM followed a failed allocation (Foundation's
/// `Data` traps without a message when its `malloc` fails): the report then ends with
/// `ExecutorCrashNote.allocationFailed`, which the kernel reads as out of memory when no fatal
/// error says otherwise.
enum CrashReporter {
  /// Installs the handlers; `stderrRead` is the stderr pipe's read end, `reportFD` the
  /// descriptor the kernel reads after the process died.
  static func install(stderrRead: Int32, reportFD: Int32) {
    crashStderrRead = stderrRead
    crashReportFD = reportFD
    // Globals are initialized on first use, which a signal handler must not do.
    _ = (crashBuffer, outOfMemoryLine, outOfMemoryLineLength)
    Interruption.requestOnSignals([SIGINT])
    for signalNumber in [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGFPE, SIGABRT] {
      signal(signalNumber, reportCrash)
    }
  }
}

/// The handler of fatal signals (see `CrashReporter`): forwards the stderr still in the pipe and
/// the out-of-memory line, then dies of the same signal.
private func reportCrash(_ number: Int32) {
  let allocationFailed = errno == ENOMEM
  while true {
    let count = read(crashStderrRead, crashBuffer, 65536)
    if count <= 0 { break }
    _ = write(crashReportFD, crashBuffer, count)
  }
  if allocationFailed {
    _ = write(crashReportFD, outOfMemoryLine, outOfMemoryLineLength)
  }
  signal(number, SIG_DFL)
  raise(number)
}
