import Foundation

/// Counts the floating-point operations of the convolutions and matrix products the tensor core
/// runs (a fused multiply-add counts as two), for benchmarks that report GFLOP/s.
public enum FLOPCount {
  private static let lock = NSLock()
  nonisolated(unsafe) private static var total = 0.0

  /// The operations counted while `body` ran, on any thread.
  public static func measure(_ body: () throws -> Void) rethrows -> Double {
    let start = read()
    try body()
    return read() - start
  }

  /// Adds `count` operations.
  static func add(_ count: Double) {
    lock.lock()
    total += count
    lock.unlock()
  }

  private static func read() -> Double {
    lock.lock()
    defer { lock.unlock() }
    return total
  }
}

extension ConvolutionShape {
  /// Multiply-adds of one pass (forward, input gradient or weight gradient) times two.
  var flops: Double {
    2 * Double(batch * outChannels * height * width) * Double(inChannels * kernel * kernel)
  }
}
