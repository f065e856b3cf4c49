import ExecutorWire
import Foundation

// MARK: - Standard output and error as events

/// Redirects this process's descriptors 1 and 2 into pipes and turns what arrives into
/// `stdout` / `stderr` output messages, in order with display events.
///
/// A reader thread forwards output at most every `interval` seconds, so a cell printing line
/// after line sends a few large events instead of one per line. Between forwards the output
/// waits in the pipes (1 MiB each), not in this process, so what a dying cell printed last is
/// still there for the crash handler and for the snapshot that takes over. Each cell's output
/// is capped (`OutputBudget`). Before a display event or the end of a cell, `drain()` flushes
/// `stdout` and empties both pipes under the writer's lock, so nothing printed earlier can
/// arrive after the event.
final class OutputPump: @unchecked Sendable {
  /// Seconds between stream events while a cell prints.
  static let interval = 0.05
  /// Seconds output stays in the pipe at least before the reader thread takes it.
  static let settle = 0.02
  /// Bytes of stream output a cell may print before the rest is dropped.
  static let cellLimit = 1_000_000

  private let writer: EventWriter
  /// Read ends of the stdout and stderr pipes (non-blocking).
  let stdoutRead: Int32
  /// Read end of the stderr pipe (non-blocking); the crash handler empties it too.
  let stderrRead: Int32
  // Guarded by the writer's lock.
  private var pending: [Int32: [UInt8]] = [:]
  private var lastForward = 0.0
  private var budget = OutputBudget(limit: OutputPump.cellLimit)

  /// Creates the pipes, moves descriptors 1 and 2 onto them and makes stdout line-buffered.
  init(writer: EventWriter) {
    self.writer = writer
    stdoutRead = Self.redirect(STDOUT_FILENO)
    stderrRead = Self.redirect(STDERR_FILENO)
    setvbuf(stdout, nil, _IOLBF, 0)
    setvbuf(stderr, nil, _IONBF, 0)
  }

  /// Starts the thread that forwards output while a cell runs.
  func start() {
    let thread = Thread { [self] in self.run() }
    thread.stackSize = 1 << 20
    thread.start()
  }

  /// Flushes `stdout`, then forwards everything waiting in the pipes, then runs `then`
  /// (which writes an event) without letting the reader thread in between.
  func drain(then: () -> Void = {}) {
    fflush(stdout)
    writer.locked {
      forwardAll()
      then()
    }
  }

  /// Starts a new cell's output budget.
  func beginCell() {
    writer.locked { budget.reset() }
  }

  /// Drains, says how much output was not shown, then runs `then` (the cell's last event).
  func endCell(then: () -> Void) {
    drain {
      if let summary = budget.summary { writer.writeUnlocked(.output(.stderr(summary))) }
      then()
    }
  }

  // MARK: - Reader thread

  private func run() {
    var fds = [
      pollfd(fd: stdoutRead, events: Int16(POLLIN), revents: 0),
      pollfd(fd: stderrRead, events: Int16(POLLIN), revents: 0),
    ]
    while true {
      let ready = poll(&fds, 2, 1000)
      if ready <= 0 { continue }
      // Never read at once: a cell that traps writes the runtime's message and dies within
      // microseconds, and the crash handler must find that message still in the pipe.
      let wait = writer.locked { max(Self.settle, lastForward + Self.interval - Self.now()) }
      usleep(UInt32(wait * 1_000_000))
      writer.locked { forwardAll() }
    }
  }

  /// Forwards what waits in both pipes (the caller holds the writer's lock).
  private func forwardAll() {
    forwardAvailable(stdoutRead, as: ExecutorEvent.stdout)
    forwardAvailable(stderrRead, as: ExecutorEvent.stderr)
    lastForward = Self.now()
  }

  private static func now() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
  }

  /// Reads until the pipe is empty and writes one message with the complete UTF-8 text that
  /// the budget admits, as the event `stream` makes of it.
  private func forwardAvailable(_ fd: Int32, as stream: (String) -> ExecutorEvent) {
    var bytes = pending[fd] ?? []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = read(fd, &buffer, buffer.count)
      if count > 0 {
        bytes.append(contentsOf: buffer[0..<count])
      } else if count < 0 && errno == EINTR {
        continue
      } else {
        break
      }
    }
    let complete = Self.completeUTF8Prefix(bytes)
    pending[fd] = Array(bytes[complete...])
    guard complete > 0, let text = budget.admit(String(decoding: bytes[0..<complete], as: UTF8.self))
    else { return }
    writer.writeUnlocked(.output(stream(text)))
  }

  /// The length of the longest prefix that does not end inside a UTF-8 sequence.
  static func completeUTF8Prefix(_ bytes: [UInt8]) -> Int {
    var index = bytes.count
    var continuation = 0
    while index > 0 && continuation < 3 && bytes[index - 1] & 0xC0 == 0x80 {
      index -= 1
      continuation += 1
    }
    guard index > 0 else { return bytes.count }
    let lead = bytes[index - 1]
    let needed = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0
    return needed > continuation ? index - 1 : bytes.count
  }

  /// Linux's F_SETPIPE_SZ (not exported to Swift).
  private static let setPipeSize: Int32 = 1031

  /// Points `target` at the write end of a new pipe and returns its non-blocking read end.
  private static func redirect(_ target: Int32) -> Int32 {
    var ends: [Int32] = [0, 0]
    guard pipe(&ends) == 0 else { fatalError("realnvp-executor: pipe() failed (errno \(errno))") }
    _ = fcntl(ends[1], Self.setPipeSize, 1 << 20)
    dup2(ends[1], target)
    close(ends[1])
    _ = fcntl(ends[0], F_SETFL, fcntl(ends[0], F_GETFL) | O_NONBLOCK)
    _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
    return ends[0]
  }
}
