import Foundation

/// The tensor core's worker threads: `ComputeThreads.count - 1` threads that sleep on a condition
/// variable between jobs, plus the calling thread, which takes a share of every job.
///
/// The pool survives fork(): a forked child starts with no workers and makes new ones on first
/// use. (libdispatch does not: a child keeps the parent's count of workers it does not have, and
/// runs `concurrentPerform` narrower until those would have timed out.) The kernel's executor
/// forks before each cell, so a cell after a rollback runs as wide as before.
final class ComputePool: @unchecked Sendable {
  /// The one pool of the process.
  static let shared = ComputePool()

  private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
  private let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
  private let finished = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
  private var workers = 0
  private var job: ((Int) -> Void)?
  private var iterations = 0
  private var next = 0
  private var done = 0
  private var busy = false

  private init() {
    initializeLocks()
    pthread_atfork(
      { ComputePool.shared.lock() }, { ComputePool.shared.unlock() }, { ComputePool.shared.resetInChild() })
  }

  /// Runs `body(i)` for every i in 0..<iterations, spread over the workers and the calling thread,
  /// and returns when all have finished. A call made while the pool is busy (from inside a job, or
  /// from another thread at the same time) runs its iterations on the calling thread.
  func run(_ iterations: Int, _ body: (Int) -> Void) {
    let width = Swift.min(ComputeThreads.count, iterations)
    guard width > 1 else {
      for i in 0..<iterations { body(i) }
      return
    }
    withoutActuallyEscaping(body) { body in
      lock()
      guard !busy else {
        unlock()
        for i in 0..<iterations { body(i) }
        return
      }
      busy = true
      while workers < width - 1 { startWorker() }
      (job, self.iterations, next, done) = (body, iterations, 0, 0)
      pthread_cond_broadcast(wake)
      while next < iterations { runClaimed() }
      while done < iterations { pthread_cond_wait(finished, mutex) }
      job = nil
      busy = false
      unlock()
    }
  }

  /// With the lock held: claims the next iteration, runs it unlocked, and counts it done.
  private func runClaimed() {
    do {
      let (index, body) = (next, job!)
      next += 1
      unlock()
      body(index)
    }
    lock()
    done += 1
    if done == iterations { pthread_cond_signal(finished) }
  }

  private func workerLoop() -> Never {
    // Workers run oneDNN's kernels, on whose stack a signal handler must not run.
    Interruption.blockStopSignals()
    lock()
    while true {
      while job == nil || next >= iterations { pthread_cond_wait(wake, mutex) }
      runClaimed()
    }
  }

  private func startWorker() {
    var thread = pthread_t()
    let status = pthread_create(&thread, nil, { _ in ComputePool.shared.workerLoop() }, nil)
    precondition(
      status == 0, "ComputePool could not start a worker thread: pthread_create returned \(status)")
    pthread_detach(thread)
    workers += 1
  }

  private func lock() { pthread_mutex_lock(mutex) }
  private func unlock() { pthread_mutex_unlock(mutex) }

  private func initializeLocks() {
    pthread_mutex_init(mutex, nil)
    pthread_cond_init(wake, nil)
    pthread_cond_init(finished, nil)
  }

  /// In a forked child: only the forking thread exists, so there are no workers; the lock (held
  /// across the fork by the prepare handler) and the conditions start afresh.
  private func resetInChild() {
    initializeLocks()
    (workers, job, iterations, next, done, busy) = (0, nil, 0, 0, 0, false)
  }
}
