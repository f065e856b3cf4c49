import Foundation

// MARK: - KernelLog

/// Where the kernel reports dropped and malformed messages: standard error by default.
///
/// Jupyter shows a kernel's stderr in the server's log, never in the notebook.
public enum KernelLog {
  private static let lock = NSLock()
  nonisolated(unsafe) private static var sinkStorage: (String) -> Void = KernelLog.writeToStandardError

  /// Replaces the destination (tests capture lines this way); returns the previous one.
  @discardableResult
  public static func setSink(_ sink: @escaping (String) -> Void) -> (String) -> Void {
    lock.lock()
    defer { lock.unlock() }
    let previous = sinkStorage
    sinkStorage = sink
    return previous
  }

  /// Logs one line.
  public static func log(_ message: String) {
    lock.lock()
    let sink = sinkStorage
    lock.unlock()
    sink(message)
  }

  /// The default sink: `[realnvp-kernel] message` on standard error.
  public static func writeToStandardError(_ message: String) {
    FileHandle.standardError.write(Data("[realnvp-kernel] \(message)\n".utf8))
  }
}
