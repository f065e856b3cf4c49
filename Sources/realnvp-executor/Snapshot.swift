import Foundation

// MARK: - The state before a cell, kept in a forked copy

/// A copy of this process taken just before a cell runs (fork: copy-on-write, so it costs only
/// the pages the cell later changes), waiting while the cell runs.
///
/// The process that runs the cell calls `discard()` when the cell ended in any way it survived;
/// the copy then exits. If that process dies instead (a trap, `exit()`, `fatalError`, a fatal
/// signal, a kill after an interrupt), the copy's end of a private pipe reads end-of-file and
/// `take()` returns `.restored` in the copy: it carries on as the executor, every global as it
/// was before the cell. Only the forking thread exists in the copy, so the caller re-creates its
/// threads there. The copy also exits when the kernel goes away (the command descriptor hangs up).
struct Snapshot {
  /// What `take()` returned in this process.
  enum Taken {
    /// This is the process that runs the cell; the copy waits.
    case kept(Snapshot)
    /// This is the copy, and the process that ran the cell died: carry on from here.
    case restored
    /// No copy could be made (the message says why); the cell runs without one.
    case unavailable(String)
  }

  /// The copy's process id.
  let pid: pid_t
  /// Write end of the private pipe: a byte releases the copy, end-of-file wakes it.
  private let releaseFD: Int32

  /// Forks the copy. `writer` is held across the fork so that no other thread is half-way
  /// through writing an event; `commandFD` is watched by the copy for the kernel's exit.
  static func take(writer: EventWriter, commandFD: Int32) -> Taken {
    var ends: [Int32] = [0, 0]
    guard pipe(&ends) == 0 else {
      return .unavailable("pipe() failed (errno \(errno))")
    }
    for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
    let pid = writer.locked { () -> pid_t in
      fflush(stdout)
      fflush(stderr)
      return fork()
    }
    if pid < 0 {
      let code = errno
      close(ends[0])
      close(ends[1])
      return .unavailable("fork() failed (errno \(code))")
    }
    if pid == 0 {
      close(ends[1])
      waitWhileTheCellRuns(releaseFD: ends[0], commandFD: commandFD)
      close(ends[0])
      return .restored
    }
    close(ends[0])
    return .kept(Snapshot(pid: pid, releaseFD: ends[1]))
  }

  /// Lets the copy go (it exits) and reaps it.
  func discard() {
    var byte: UInt8 = 0x71
    _ = write(releaseFD, &byte, 1)
    close(releaseFD)
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
  }

  /// In the copy: returns when the process running the cell has died; exits when released or
  /// when the kernel is gone. Only async-signal-safe calls until it returns.
  private static func waitWhileTheCellRuns(releaseFD: Int32, commandFD: Int32) -> Void {
    var fds = [
      pollfd(fd: releaseFD, events: Int16(POLLIN), revents: 0),
      pollfd(fd: commandFD, events: 0, revents: 0),
    ]
    while true {
      let ready = poll(&fds, 2, -1)
      if ready < 0 {
        if errno == EINTR { continue }
        _exit(3)
      }
      if fds[1].revents & Int16(POLLHUP | POLLERR) != 0 { _exit(0) }
      guard fds[0].revents != 0 else { continue }
      var byte: UInt8 = 0
      let count = read(releaseFD, &byte, 1)
      if count < 0 && errno == EINTR { continue }
      if count > 0 { _exit(0) }
      return
    }
  }
}
