import CProcessControl
import Foundation

// MARK: - The executor child process

/// One running `realnvp-executor`: descriptor 3 carries events (JSON lines) to us, 4 carries
/// commands to it, 5 carries the stderr bytes its crash handler rescued, 6 carries replies to
/// its input requests.
final class ExecutorProcess {
  /// What reading the event channel produced.
  enum Message {
    /// One decoded event object.
    case event([String: Any])
    /// Nothing arrived within the timeout.
    case timeout
    /// The channel closed: the executor exited or died.
    case closed
  }

  /// The process id of the executor the kernel talks to (a restored snapshot replaces it).
  private(set) var pid: pid_t
  private let eventFD: Int32
  private let commandFD: Int32
  private let crashFD: Int32
  private let inputFD: Int32
  private var buffer: [UInt8] = []
  private var exited = false
  private var closed = false

  /// Starts the executor and waits (up to 30 s) for its `ready` event.
  init(configuration: ExecutorConfiguration) throws {
    guard FileManager.default.isExecutableFile(atPath: configuration.executorPath) else {
      throw ExecutorError.missingExecutor(path: configuration.executorPath)
    }
    let events = try Self.makePipe(), commands = try Self.makePipe(), crash = try Self.makePipe()
    let input = try Self.makePipe()
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, events.write, 3)
    posix_spawn_file_actions_adddup2(&actions, commands.read, 4)
    posix_spawn_file_actions_adddup2(&actions, crash.write, 5)
    posix_spawn_file_actions_adddup2(&actions, input.read, 6)
    // The kernel may ignore SIGPIPE or SIGINT and block signals on its thread; the child
    // starts with default dispositions and an empty mask so that interrupts reach it.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var defaults = sigset_t()
    sigemptyset(&defaults)
    sigaddset(&defaults, SIGPIPE)
    sigaddset(&defaults, SIGINT)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    var emptyMask = sigset_t()
    sigemptyset(&emptyMask)
    posix_spawnattr_setsigmask(&attributes, &emptyMask)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
    var environment = ProcessInfo.processInfo.environment
    environment["SWIFT_BACKTRACE"] = "enable=no"
    let envStrings = environment.map { "\($0.key)=\($0.value)" }
    let argv = [configuration.executorPath]
    var childPID: pid_t = 0
    let status = withCStrings(argv) { cArgv in
      withCStrings(envStrings) { cEnv in
        posix_spawn(&childPID, configuration.executorPath, &actions, &attributes, cArgv, cEnv)
      }
    }
    close(events.write)
    close(commands.read)
    close(crash.write)
    close(input.read)
    guard status == 0 else {
      [events.read, commands.write, crash.read, input.write].forEach { close($0) }
      throw ExecutorError.startFailed("posix_spawn \(configuration.executorPath) failed (errno \(status))")
    }
    pid = childPID
    eventFD = events.read
    commandFD = commands.write
    crashFD = crash.read
    inputFD = input.write
    switch nextMessage(timeout: 30) {
    case .event(let object) where object["kind"] as? String == "ready":
      return
    default:
      terminate()
      throw ExecutorError.startFailed("\(configuration.executorPath) did not report ready")
    }
  }

  deinit { terminate() }

  /// Sends one command line; false if the executor is gone.
  @discardableResult
  func send(_ line: String) -> Bool {
    let bytes = Array((line + "\n").utf8)
    return bytes.withUnsafeBytes { Glibc.write(commandFD, $0.baseAddress!, $0.count) == $0.count }
  }

  /// Answers the executor's input request: the line the user typed, or nil for end of input.
  func answerInput(_ value: String?) {
    let object: [String: Any] = value.map { ["value": $0] } ?? ["eof": true]
    guard var data = try? JSONSerialization.data(withJSONObject: object) else { return }
    data.append(0x0A)
    data.withUnsafeBytes { raw in
      var offset = 0
      while offset < raw.count {
        let written = Glibc.write(inputFD, raw.baseAddress! + offset, raw.count - offset)
        if written < 0 && errno == EINTR { continue }
        if written <= 0 { return }
        offset += written
      }
    }
  }

  /// The next event, waiting at most `timeout` seconds.
  func nextMessage(timeout: Double) -> Message {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
      if let newline = buffer.firstIndex(of: 0x0A) {
        let line = Array(buffer[..<newline])
        buffer.removeSubrange(...newline)
        if let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] {
          return .event(object)
        }
        continue
      }
      let remaining = deadline.timeIntervalSinceNow
      if remaining <= 0 { return .timeout }
      var descriptor = pollfd(fd: eventFD, events: Int16(POLLIN), revents: 0)
      let ready = poll(&descriptor, 1, Int32(min(remaining * 1000, 1000).rounded(.up)))
      if ready < 0 && errno == EINTR { continue }
      if ready <= 0 { continue }
      var chunk = [UInt8](repeating: 0, count: 65536)
      let count = read(eventFD, &chunk, chunk.count)
      if count < 0 && errno == EINTR { continue }
      if count <= 0 { return .closed }
      buffer.append(contentsOf: chunk[0..<count])
    }
  }

  /// Sends a signal to the executor.
  func signal(_ number: Int32) { if !exited { kill(pid, number) } }

  /// Waits for the executor to exit; returns how it ended (nil if it was reaped already or is
  /// not this process's child).
  @discardableResult
  func waitForExit() -> Termination? {
    guard !exited else { return nil }
    var status: Int32 = 0
    var result: pid_t
    repeat { result = waitpid(pid, &status, 0) } while result < 0 && errno == EINTR
    exited = true
    return result == pid ? Termination(waitStatus: status) : nil
  }

  /// Reaps the dead executor and talks to the snapshot that took its place from now on;
  /// returns how the dead one ended.
  func adoptRestored(pid restored: pid_t) -> Termination? {
    let ended = waitForExit()
    pid = restored
    exited = false
    return ended
  }

  /// What the crash handler rescued from stderr (read after the executor died).
  func crashReport() -> String {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    _ = fcntl(crashFD, F_SETFL, fcntl(crashFD, F_GETFL) | O_NONBLOCK)
    while true {
      let count = read(crashFD, &chunk, chunk.count)
      if count <= 0 { break }
      bytes.append(contentsOf: chunk[0..<count])
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Kills the executor (if still running), reaps it and closes the descriptors.
  func terminate() {
    if !exited {
      kill(pid, SIGKILL)
      waitForExit()
    }
    if !closed {
      closed = true
      [eventFD, commandFD, crashFD, inputFD].forEach { close($0) }
    }
  }

  // MARK: - Helpers

  /// A close-on-exec pipe whose descriptors are above 10 (so dup2 onto 3...5 is never a no-op).
  private static func makePipe() throws -> (read: Int32, write: Int32) {
    var ends: [Int32] = [0, 0]
    guard realnvp_cloexec_pipe(&ends) == 0 else {
      throw ExecutorError.startFailed("pipe() failed (errno \(errno))")
    }
    let read = fcntl(ends[0], F_DUPFD_CLOEXEC, 10), write = fcntl(ends[1], F_DUPFD_CLOEXEC, 10)
    close(ends[0])
    close(ends[1])
    return (read, write)
  }
}

/// Calls `body` with a NULL-terminated C array of the strings.
private func withCStrings<R>(
  _ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R
) -> R {
  var pointers = strings.map { strdup($0) }
  pointers.append(nil)
  defer { pointers.forEach { free($0) } }
  return body(pointers)
}
