import Foundation
import XCTest

@testable import TensorCore

/// Stop signals never run their handler on a stack that oneDNN's JIT GEMM has pointed into the
/// heap: the compute pool's workers block them, and the thread that installs the handlers takes
/// them on an alternate stack.
final class StopSignalTests: XCTestCase {
  func testComputeWorkersBlockTheStopSignals() {
    let saved = ComputeThreads.count
    ComputeThreads.count = 4
    defer { ComputeThreads.count = saved }
    let caller = pthread_self()
    let lock = NSLock()
    var workerMasks: [(interrupt: Bool, terminate: Bool)] = []
    ComputeThreads.concurrentPerform(iterations: 64) { _ in
      usleep(2000)  // long enough for the workers to take a share
      guard pthread_equal(pthread_self(), caller) == 0 else { return }
      var mask = sigset_t()
      pthread_sigmask(SIG_BLOCK, nil, &mask)
      lock.withLock {
        workerMasks.append((sigismember(&mask, SIGINT) == 1, sigismember(&mask, SIGTERM) == 1))
      }
    }
    XCTAssertFalse(workerMasks.isEmpty, "no iteration ran on a worker")
    XCTAssertTrue(workerMasks.allSatisfy { $0.interrupt && $0.terminate }, "\(workerMasks)")
  }

  func testHandlersRunOnAnAlternateStackAndRequestAStop() {
    Interruption.requestOnSignals([SIGUSR2])
    defer {
      signal(SIGUSR2, SIG_DFL)
      Interruption.clear()
    }
    var action = sigaction()
    sigaction(SIGUSR2, nil, &action)
    XCTAssertNotEqual(
      action.sa_flags & Int32(SA_ONSTACK), 0, "the handler does not ask for the alternate stack")
    var stack = stack_t()
    sigaltstack(nil, &stack)
    XCTAssertEqual(stack.ss_flags & Int32(SS_DISABLE), 0, "the thread has no alternate stack")
    Interruption.clear()
    raise(SIGUSR2)
    XCTAssertTrue(Interruption.isRequested)
  }
}
