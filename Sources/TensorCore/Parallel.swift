import Foundation

// MARK: - Thread count

/// How many threads the tensor core splits its work over: convolution batches, GEMM rows and
/// element-wise loops.
public enum ComputeThreads {
  private static let lock = NSLock()
  nonisolated(unsafe) private static var stored: Int?

  /// The thread count (default: the number of active processors), as the calling thread sees
  /// it: inside `withLimit(_:_:)` at most that limit.
  ///
  /// The tensor core runs its own parallel loops on these threads; oneDNN and every other library
  /// it calls run single-threaded inside them, so no two thread pools compete for the cores.
  /// Setting it sets the count of the whole process, whatever limit the setting thread runs under.
  public static var count: Int {
    get {
      let global = processCount
      guard let limit = ThreadContext.currentIfMade?.threadLimit else { return global }
      return Swift.min(limit, global)
    }
    set {
      precondition(newValue >= 1, "ComputeThreads.count must be at least 1, got \(newValue)")
      lock.lock()
      defer { lock.unlock() }
      stored = newValue
    }
  }

  /// Runs `body` with `ComputeThreads.count` at most `limit` on the calling thread (and only
  /// there), and returns what it returns; with a limit of 1 every op of the tensor core runs
  /// inline on this thread and convolutions run unsplit. Other threads keep seeing the process's
  /// count. Limits nest: an inner one applies while it runs, and the outer one again after.
  ///
  /// Data-parallel replicas that are threads of one process run their training steps inside
  /// `withLimit(1)`, one core each, like MPI ranks of one thread.
  public static func withLimit<R>(_ limit: Int, _ body: () throws -> R) rethrows -> R {
    precondition(limit >= 1, "A thread limit must be at least 1, got \(limit)")
    let context = ThreadContext.current
    let saved = context.threadLimit
    context.threadLimit = limit
    defer { context.threadLimit = saved }
    return try body()
  }

  /// The count of the whole process, without any thread's limit.
  private static var processCount: Int {
    lock.lock()
    defer { lock.unlock() }
    if let stored { return stored }
    let initial = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)
    stored = initial
    return initial
  }

  /// Runs `body(i)` for every i in 0..<iterations on the tensor core's threads (the calling
  /// thread included) and returns when all are done; like `DispatchQueue.concurrentPerform`, but
  /// on a pool that stays at full width in a forked process.
  public static func concurrentPerform(iterations: Int, _ body: (Int) -> Void) {
    ComputePool.shared.run(iterations, body)
  }
}

// MARK: - Parallel loops

/// Splits 0..<count into contiguous ranges and runs `body` on them in parallel when the work
/// (count * costPerItem) is large enough to pay for the threads; otherwise runs it inline.
@inline(__always)
func parallelRanges(_ count: Int, costPerItem: Int = 1, _ body: (Range<Int>) -> Void) {
  let threads = ComputeThreads.count
  let minimumWork = 1 << 16
  guard threads > 1, count > 1, count * costPerItem >= minimumWork else {
    if count > 0 { body(0..<count) }
    return
  }
  evenSlices(count, parts: Swift.min(threads, count)) { _, range in body(range) }
}

/// Runs `body(part, range)` for `parts` contiguous, equally sized (to within one) slices of
/// 0..<count, one slice per thread.
func evenSlices(_ count: Int, parts: Int, _ body: (_ part: Int, _ range: Range<Int>) -> Void) {
  func slice(_ part: Int) -> Range<Int> { (count * part / parts)..<(count * (part + 1) / parts) }
  if parts <= 1 {
    body(0, 0..<count)
  } else {
    ComputePool.shared.run(parts) { body($0, slice($0)) }
  }
}

// MARK: - Scratch buffers

/// A small pool of reusable 64-byte-aligned buffers for engine temporaries (reordered tensors,
/// scratchpads), so hot loops do not allocate (and page-fault) fresh memory every step.
/// Thread-safe.
enum ScratchPool {
  private static let lock = NSLock()
  nonisolated(unsafe) private static var free: [UnsafeMutableRawBufferPointer] = []
  private static let maximumKept = 16

  /// Runs `body` with one buffer of at least each requested byte count (contents undefined), or
  /// nil where the count is 0.
  static func withBytes<R>(_ counts: [Int], _ body: ([UnsafeMutableRawPointer?]) throws -> R) rethrows -> R {
    let buffers = counts.map { $0 > 0 ? take($0) : nil }
    defer { buffers.forEach { $0.map(give) } }
    return try body(buffers.map { $0?.baseAddress })
  }

  private static func take(_ count: Int) -> UnsafeMutableRawBufferPointer {
    lock.lock()
    defer { lock.unlock() }
    if let i = free.firstIndex(where: { $0.count >= count }) { return free.remove(at: i) }
    if free.count >= maximumKept { free.removeFirst().deallocate() }  // all too small: replace one
    return .allocate(byteCount: count, alignment: 64)
  }

  private static func give(_ buffer: UnsafeMutableRawBufferPointer) {
    lock.lock()
    defer { lock.unlock() }
    free.append(buffer)
    free.sort { $0.count < $1.count }
    if free.count > maximumKept { free.removeFirst().deallocate() }
  }
}
