import Synchronization

/// A process-wide cooperative cancellation flag.
///
/// Long loops in the library (training, sampling, evaluation) check `isRequested` once per
/// step and return what they have. The notebook executor calls `request()` from its SIGINT
/// handler when the user presses "interrupt"; `request()` only does an atomic store, so it is
/// safe to call from a signal handler.
public enum Interruption {
  private static let flag = Atomic<Bool>(false)

  /// Whether someone asked the running work to stop.
  public static var isRequested: Bool { flag.load(ordering: .relaxed) }

  /// Asks the running work to stop at its next check.
  public static func request() { flag.store(true, ordering: .relaxed) }

  /// Clears the flag; the executor calls this before each cell.
  public static func clear() { flag.store(false, ordering: .relaxed) }
}
