import CBLAS
import Dispatch
import Foundation

// MARK: - Thread count

/// How many threads the tensor core uses: OpenBLAS threads for GEMM and the parallel-loop width.
public enum ComputeThreads {
  private static let lock = NSLock()
  nonisolated(unsafe) private static var stored: Int?

  /// The thread count (default: the number of active processors): the width of the tensor
  /// core's own parallel loops (conv2d chunks, element-wise work).
  ///
  /// OpenBLAS itself always runs single-threaded: its pthread workers busy-wait after each call
  /// and then fight the tensor core's threads for the cores. Measured on 2 cores, one mnist-bench
  /// step went from 2690 ms (OpenBLAS at 2 threads) to 1665 ms (at 1), conv3x3-64 from 38 to 25 ms.
  public static var count: Int {
    get {
      lock.lock()
      defer { lock.unlock() }
      if let stored { return stored }
      let initial = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)
      openblas_set_num_threads(1)
      stored = initial
      return initial
    }
    set {
      precondition(newValue >= 1, "ComputeThreads.count must be at least 1, got \(newValue)")
      lock.lock()
      defer { lock.unlock() }
      stored = newValue
      openblas_set_num_threads(1)
    }
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
  let chunks = Swift.min(threads, count)
  DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
    let start = count * chunk / chunks
    let end = count * (chunk + 1) / chunks
    body(start..<end)
  }
}

// MARK: - Scratch buffers

/// A small pool of reusable Float buffers for im2col and GEMM temporaries, so hot loops do not
/// allocate (and page-fault) fresh memory every step. Thread-safe.
enum ScratchPool {
  private static let lock = NSLock()
  nonisolated(unsafe) private static var free: [UnsafeMutableBufferPointer<Float>] = []
  private static let maximumKept = 8

  /// Runs `body` with a buffer of at least `count` Floats (contents undefined).
  static func withBuffer<R>(_ count: Int, _ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows
    -> R
  {
    let buffer = take(count)
    defer { give(buffer) }
    return try body(buffer.baseAddress!)
  }

  /// Runs `body` with one buffer per requested size (contents undefined).
  static func withBuffers<R>(_ counts: [Int], _ body: ([UnsafeMutablePointer<Float>]) throws -> R) rethrows
    -> R
  {
    let buffers = counts.map(take)
    defer { buffers.forEach(give) }
    return try body(buffers.map { $0.baseAddress! })
  }

  private static func take(_ count: Int) -> UnsafeMutableBufferPointer<Float> {
    lock.lock()
    defer { lock.unlock() }
    if let i = free.firstIndex(where: { $0.count >= count }) { return free.remove(at: i) }
    if !free.isEmpty { free.removeFirst().deallocate() }  // too small: replace it
    return .allocate(capacity: Swift.max(count, 1))
  }

  private static func give(_ buffer: UnsafeMutableBufferPointer<Float>) {
    lock.lock()
    defer { lock.unlock() }
    free.append(buffer)
    free.sort { $0.count < $1.count }
    if free.count > maximumKept { free.removeFirst().deallocate() }
  }
}
