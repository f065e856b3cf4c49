import Foundation

// MARK: - Signals that ask for a stop

extension Interruption {
  /// The signals that ask running work to stop: SIGINT and SIGTERM.
  public static let stopSignals: [Int32] = [SIGINT, SIGTERM]

  /// Makes each of `signals` call `request()`, on an alternate stack of the calling thread.
  ///
  /// oneDNN's JIT GEMM kernels up to 3.11.0 point the stack pointer into heap memory while they
  /// run ("Heap corruption caused by signal handling", https://github.com/uxlfoundation/oneDNN/issues/4845),
  /// so a handler that ran on the interrupted stack wrote its signal frame into the heap: a
  /// SIGTERM during a training step could end the run with "double free or corruption". The
  /// calling thread, which computes too, takes these signals on a stack of its own; the compute
  /// pool's workers block them (`blockStopSignals()`).
  public static func requestOnSignals(_ signals: [Int32] = stopSignals) {
    useAlternateSignalStack()
    for number in signals {
      var action = sigaction()
      action.__sigaction_handler.sa_handler = { _ in Interruption.request() }
      action.sa_flags = SA_ONSTACK | SA_RESTART
      sigemptyset(&action.sa_mask)
      sigaction(number, &action, nil)
    }
  }

  /// Blocks the stop signals in the calling thread, so that the process takes them on another
  /// thread (one set up by `requestOnSignals`): for threads that run oneDNN's kernels.
  public static func blockStopSignals() {
    var blocked = sigset_t()
    sigemptyset(&blocked)
    for number in stopSignals { sigaddset(&blocked, number) }
    pthread_sigmask(SIG_BLOCK, &blocked, nil)
  }

  /// Gives the calling thread an alternate signal stack of 256 KiB unless it has one.
  static func useAlternateSignalStack() {
    var current = stack_t()
    guard sigaltstack(nil, &current) == 0, current.ss_flags & Int32(SS_DISABLE) != 0 else { return }
    let size = 256 << 10
    var stack = stack_t(ss_sp: malloc(size), ss_flags: 0, ss_size: size)
    sigaltstack(&stack, nil)
  }
}
