import Foundation

// MARK: - Streams, Gaussians in Double, permutations

extension RandomGenerator {
  /// A generator for `seed` and `stream`: different streams (epochs, data kinds) give independent
  /// sequences; stream 0 is `init(seed:)`.
  public init(seed: UInt64, stream: UInt64) {
    self.init(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
  }

  /// A standard normal value in Double precision (Box-Muller computed in Double; one value per call).
  public mutating func nextGaussian() -> Double {
    let u1 = 1 - nextDouble()  // in (0, 1], so the log is finite
    let u2 = nextDouble()
    return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
  }

  /// A random permutation of 0..<count (Fisher-Yates with `nextInt(below:)`), the same on every
  /// machine and toolchain (the standard library's shuffle algorithm is not specified).
  public mutating func permutation(_ count: Int) -> [Int] {
    precondition(count >= 0, "permutation needs a non-negative count, got \(count)")
    var order = Array(0..<count)
    var index = count - 1
    while index > 0 {
      order.swapAt(index, nextInt(below: index + 1))
      index -= 1
    }
    return order
  }
}
