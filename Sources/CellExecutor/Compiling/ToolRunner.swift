import CProcessControl
import Foundation

// MARK: - Running toolchain programs

/// Runs a program to completion with posix_spawn and collects its output.
///
/// Foundation's `Process.waitUntilExit` polls a run loop (adding up to 50 ms per tool); a
/// cell runs three tools, so this waits with `waitpid` instead.
enum ToolRunner {
  /// Runs `tool` with `arguments`; returns its exit status and its stdout and stderr together.
  /// While it runs, `cancellation` (if any) can kill it, and `onOutput` gets the
  /// output as it comes, in chunks.
  static func run(
    _ tool: String, _ arguments: [String], cancellation: ToolCancellation? = nil,
    onOutput: (String) -> Void = { _ in }
  ) -> (status: Int32, output: String) {
    // Both ends close on exec, so that a program another thread starts meanwhile (the language
    // server, a compile) never holds the write end open and keeps the read below from ending.
    var ends: [Int32] = [0, 0]
    guard realnvp_cloexec_pipe(&ends) == 0 else { return (127, "pipe() failed (errno \(errno))") }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, ends[1], 1)
    posix_spawn_file_actions_adddup2(&actions, ends[1], 2)
    posix_spawn_file_actions_addclose(&actions, ends[1])
    var pid: pid_t = 0
    let argv = ([tool] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    let status = posix_spawn(&pid, tool, &actions, nil, argv, environ)
    close(ends[1])
    guard status == 0 else {
      close(ends[0])
      return (127, "cannot run \(tool): errno \(status)")
    }
    cancellation?.began(pid)
    defer { cancellation?.ended() }
    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = read(ends[0], &chunk, chunk.count)
      if count < 0 && errno == EINTR { continue }
      if count <= 0 { break }
      output.append(contentsOf: chunk[0..<count])
      onOutput(String(decoding: chunk[0..<count], as: UTF8.self))
    }
    close(ends[0])
    var exitStatus: Int32 = 0
    while waitpid(pid, &exitStatus, 0) < 0 && errno == EINTR {}
    let code = exitStatus & 0x7F == 0 ? (exitStatus >> 8) & 0xFF : 128 + (exitStatus & 0x7F)
    return (code, String(decoding: output, as: UTF8.self))
  }
}

// MARK: - Cancelling a compile

/// The toolchain program a compile is running, so that an interrupt can kill it.
final class ToolCancellation: @unchecked Sendable {
  private let lock = NSLock()
  private var running: pid_t?
  private var cancelled = false

  /// Whether `cancel()` was called since the last `reset()`.
  var isCancelled: Bool {
    lock.lock()
    defer { lock.unlock() }
    return cancelled
  }

  /// Forgets an earlier cancellation (at the start of a compile).
  func reset() {
    lock.lock()
    cancelled = false
    lock.unlock()
  }

  /// Kills the running tool, and every tool started until the next `reset()`.
  func cancel() {
    lock.lock()
    cancelled = true
    if let running { kill(running, SIGKILL) }
    lock.unlock()
  }

  /// Records a started tool (killing it at once if the compile was cancelled).
  func began(_ pid: pid_t) {
    lock.lock()
    running = pid
    if cancelled { kill(pid, SIGKILL) }
    lock.unlock()
  }

  /// Forgets the tool once it has been reaped.
  func ended() {
    lock.lock()
    running = nil
    lock.unlock()
  }
}
