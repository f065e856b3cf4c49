import CProcessControl
import ExecutorWire
import Foundation

// MARK: - The executor child process

/// One running `realnvp-executor`, spoken to over the descriptors of `ExecutorDescriptor`:
/// `ExecutorMessage`s come from it, `ExecutorCommand`s and `InputReply`s go to it, and its
/// crash handler's rescued stderr comes on a descriptor of its own.
final class ExecutorProcess {
  /// What ended a wait for the executor (`nextReply`); output and input requests that
  /// arrive meanwhile are handled on the way.
  enum Reply: Equatable {
    /// The executor started and waits for commands.
    case ready
    /// The cell ended and the process running it survived.
    case cellEnded(CellEnding)
    /// The cell never started: an interrupt came while its snapshot was taken.
    case cellSkipped
    /// The process running the cell died and its snapshot took over (already adopted); how
    /// the dead one ended, and what its crash handler rescued from stderr.
    case restored(Termination?, crash: String)
    /// A `load` command succeeded.
    case loaded
    /// A `load` command failed, with dlerror's message.
    case loadFailed(String)
    /// Nothing ended the wait within the timeout.
    case timeout
    /// The message channel closed: the executor and its snapshot are gone; how it ended.
    case closed(Termination?)
  }

  /// The process id of the executor the kernel talks to (a restored snapshot replaces it).
  private(set) var pid: pid_t
  private let eventFD: Int32
  private let commandFD: Int32
  private let crashFD: Int32
  private let inputFD: Int32
  private var buffer = LineBuffer()
  private var exited = false
  private var closed = false
  /// Guards writes to the command descriptor and its closing: comm deliveries are sent from
  /// another thread than cells.
  private let commandLock = NSLock()
  /// Comm messages sent to this executor and not yet handled, and the comms it has open.
  let routing = CommRouting()

  /// Starts the executor and waits (up to 30 s) for it to report ready.
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
    posix_spawn_file_actions_adddup2(&actions, events.write, ExecutorDescriptor.messages)
    posix_spawn_file_actions_adddup2(&actions, commands.read, ExecutorDescriptor.commands)
    posix_spawn_file_actions_adddup2(&actions, crash.write, ExecutorDescriptor.crashReport)
    posix_spawn_file_actions_adddup2(&actions, input.read, ExecutorDescriptor.inputReplies)
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
    var argv = [configuration.executorPath]
    if let limit = configuration.memoryLimit {
      argv += [ExecutorOption.addressSpaceLimit, String(limit.bytes)]
    }
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
    guard nextReply(timeout: 30) == .ready else {
      terminate()
      throw ExecutorError.startFailed("\(configuration.executorPath) did not report ready")
    }
  }

  deinit { terminate() }

  /// Sends one command; false if the executor is gone.
  @discardableResult
  func send(_ command: ExecutorCommand) -> Bool {
    commandLock.withLock { !closed && JSONLines.write(command, to: commandFD) }
  }

  // MARK: - Messages

  /// Reads messages until one ends the wait, or `timeout` seconds pass (0: only what has
  /// arrived): output goes to `onEvent` as it comes (unless a comm delivery's handler made it:
  /// then to that delivery, see `CommRouting`), an input request is answered with what
  /// `readInput` returns (nil is end of input), and a snapshot that took over is adopted
  /// before `restored` returns.
  func nextReply(
    timeout: Double, readInput: (_ prompt: String, _ password: Bool) -> String? = { _, _ in nil },
    onEvent: (ExecutorEvent) -> Void = { _ in }
  ) -> Reply {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
      let line: [UInt8]
      switch nextLine(before: deadline) {
      case .line(let read): line = read
      case .timeout: return .timeout
      case .closed:
        routing.closed()
        return .closed(waitForExit())
      }
      guard let message = JSONLines.decode(ExecutorMessage.self, from: line) else { continue }
      switch message {
      case .ready: return .ready
      case .output(let event): if !routing.route(event) { onEvent(event) }
      case .inputRequest(let prompt, let password):
        let reply = readInput(prompt, password).map(InputReply.line) ?? .endOfInput
        JSONLines.write(reply, to: inputFD)
      case .cellEnded(let ending): return .cellEnded(ending)
      case .cellSkipped: return .cellSkipped
      case .restored(let restored, let alive):
        let ended = adoptRestored(pid: restored)
        let crash = crashReport()
        routing.restored(alive: alive, termination: ended, crash: crash, onEvent: onEvent)
        return .restored(ended, crash: crash)
      case .noSnapshot(let reason):
        fputs("realnvp-kernel: a cell runs without a snapshot: \(reason)\n", stderr)
      case .loaded: return .loaded
      case .loadFailed(let reason): return .loadFailed(reason)
      case .commStarted(let token): routing.started(token)
      case .commHandled(let token, let known): routing.handled(token, known: known)
      }
    }
  }

  /// What reading the message channel produced.
  private enum Read {
    case line([UInt8])
    case timeout
    case closed
  }

  /// The next line from the executor, unless `deadline` passes first or the channel closes;
  /// a deadline already past still takes what is waiting in the channel.
  private func nextLine(before deadline: Date) -> Read {
    while true {
      if let line = buffer.nextLine() { return .line(line) }
      let remaining = deadline.timeIntervalSinceNow
      var descriptor = pollfd(fd: eventFD, events: Int16(POLLIN), revents: 0)
      let ready = poll(&descriptor, 1, Int32(max(0, min(remaining * 1000, 1000)).rounded(.up)))
      if ready < 0 && errno == EINTR { continue }
      if ready <= 0 {
        if remaining <= 0 { return .timeout }
        continue
      }
      var chunk = [UInt8](repeating: 0, count: 65536)
      let count = read(eventFD, &chunk, chunk.count)
      if count < 0 && errno == EINTR { continue }
      if count <= 0 { return .closed }
      buffer.append(chunk[0..<count])
    }
  }

  // MARK: - The process

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
  private func adoptRestored(pid restored: pid_t) -> Termination? {
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
    commandLock.withLock {
      if !closed {
        closed = true
        [eventFD, commandFD, crashFD, inputFD].forEach { close($0) }
      }
    }
    routing.closed()
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
