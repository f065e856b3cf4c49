import Foundation

// MARK: - Dying with the kernel

/// Ends the executor when the kernel is gone, even while a cell runs or loops.
///
/// Only the kernel holds the write end of the command pipe, so when the kernel exits or is
/// killed the pipe hangs up; a thread polls for that and exits the process. (A parent-death
/// signal would follow the kernel *thread* that started the executor, and that thread may be a
/// short-lived worker.)
enum Lifeline {
  /// Starts the watching thread; call again after a fork, which keeps only the forking thread.
  static func watch(commandFD: Int32) {
    let thread = Thread {
      var descriptor = pollfd(fd: commandFD, events: 0, revents: 0)
      while true {
        let ready = poll(&descriptor, 1, -1)
        if ready < 0 && errno != EINTR { return }
        if descriptor.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { _exit(0) }
      }
    }
    thread.stackSize = 1 << 18
    thread.start()
  }
}
