import CCellSupport
import CellRuntime
import ExecutorWire
import Foundation
import TensorCore

// MARK: - A cell on its own thread

/// Runs a cell's top-level code on a thread of its own with an 8 MiB stack, so that an error
/// thrown at top level can end that thread (see CCellSupport) while the executor lives on.
/// Meanwhile the calling thread handles the comm messages that arrive (widgets the cell shows).
enum CellThread {
  /// Write end of the pipe that tells the waiting thread the cell is done (-1 when none runs).
  nonisolated(unsafe) private static var doneFD: Int32 = -1

  /// Called on the cell's thread as its last act, also when it ends by throwing.
  static func signalDone() {
    var byte: UInt8 = 1
    _ = write(doneFD, &byte, 1)
  }

  /// Runs `body` on the cell's thread, handles comm deliveries from `commands` until it is
  /// done, and returns how the cell ended.
  static func run(
    commands: CommandReader, handle: (ExecutorCommand) -> Void, _ body: @escaping () -> CellEnding
  ) -> CellEnding {
    final class Job {
      let body: () -> CellEnding
      var ending = CellEnding.returned
      init(body: @escaping () -> CellEnding) { self.body = body }
    }
    var ends: [Int32] = [0, 0]
    guard pipe(&ends) == 0 else {
      return .notLoaded(reason: "could not create a pipe for the cell (errno \(errno))")
    }
    for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
    doneFD = ends[1]
    defer {
      close(ends[0])
      close(ends[1])
      doneFD = -1
    }
    let job = Job(body: body)
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
        // The cell's thread runs oneDNN's kernels: interrupts go to the main thread instead.
        Interruption.blockStopSignals()
        job.ending = job.body()
        CellTiming.finishPending()  // `%time` to the end of the cell
        CellThread.signalDone()
        return nil
      }, context)
    guard status == 0 else {
      Unmanaged<Job>.fromOpaque(context).release()
      return .notLoaded(reason: "could not start a thread for the cell (error \(status))")
    }
    waitHandlingComms(doneRead: ends[0], commands: commands, handle: handle)
    pthread_join(thread, nil)
    Unmanaged<Job>.fromOpaque(context).release()
    defer { thrownByCell = nil }
    return thrownByCell ?? job.ending
  }

  /// Waits for the cell's done signal; hands each comm delivery that arrives meanwhile to `handle`.
  private static func waitHandlingComms(
    doneRead: Int32, commands: CommandReader, handle: (ExecutorCommand) -> Void
  ) {
    var fds = [
      pollfd(fd: doneRead, events: Int16(POLLIN), revents: 0),
      pollfd(fd: commandFD, events: Int16(POLLIN), revents: 0),
    ]
    while true {
      if poll(&fds, 2, -1) < 0 {
        if errno == EINTR { continue }
        return
      }
      if fds[0].revents != 0 { return }
      guard fds[1].revents != 0 else { continue }
      // At end of file the kernel is gone (Lifeline ends the process); stop watching.
      guard fds[1].revents & Int16(POLLIN) != 0, commands.readAvailable() else {
        fds[1].fd = -1
        continue
      }
      while let command = commands.nextDuringCell() { handle(command) }
    }
  }
}
