import Foundation

// MARK: - Deterministic generator

/// A seeded xoshiro256** generator for data work (shuffles, flips, toy noise).
///
/// Its output depends only on the seed and stream, so a shuffle is the same on every machine and
/// every Swift version (unlike `SystemRandomNumberGenerator` or the standard `shuffle(using:)`,
/// whose algorithm is not specified). The state is seeded from SplitMix64.
public struct DataRandom: RandomNumberGenerator, Sendable {
  private var state: (UInt64, UInt64, UInt64, UInt64)
  private var spareGaussian: Double?

  /// A generator for `seed`; different `stream`s (e.g. epoch numbers) give independent sequences.
  public init(seed: UInt64, stream: UInt64 = 0) {
    var mixer = seed ^ (stream &* 0xD1B5_4A32_D192_ED03)
    state = (
      Self.splitMix(&mixer), Self.splitMix(&mixer), Self.splitMix(&mixer), Self.splitMix(&mixer)
    )
  }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    let result = Self.rotate(state.1 &* 5, 7) &* 9
    let shifted = state.1 << 17
    state.2 ^= state.0
    state.3 ^= state.1
    state.1 ^= state.2
    state.0 ^= state.3
    state.2 ^= shifted
    state.3 = Self.rotate(state.3, 45)
    return result
  }

  // MARK: - Derived values

  /// A uniform integer in 0..<bound (Lemire's unbiased multiply-and-reject method).
  public mutating func nextInt(below bound: Int) -> Int {
    precondition(bound > 0, "nextInt(below:) needs a positive bound, got \(bound)")
    let limit = UInt64(bound)
    var product = next().multipliedFullWidth(by: limit)
    if product.low < limit {
      let threshold = (0 &- limit) % limit
      while product.low < threshold { product = next().multipliedFullWidth(by: limit) }
    }
    return Int(product.high)
  }

  /// A uniform Double in [0, 1) with 53 random bits.
  public mutating func nextDouble() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }

  /// A uniform Float in [0, 1) with 24 random bits.
  public mutating func nextFloat() -> Float {
    Float(next() >> 40) * 0x1.0p-24
  }

  /// A standard normal sample (Box-Muller; the second value of each pair is kept for the next call).
  public mutating func nextGaussian() -> Double {
    if let spare = spareGaussian {
      spareGaussian = nil
      return spare
    }
    let u1 = 1 - nextDouble()  // in (0, 1], so the log is finite
    let u2 = nextDouble()
    let radius = (-2 * Foundation.log(u1)).squareRoot()
    spareGaussian = radius * Foundation.sin(2 * Double.pi * u2)
    return radius * Foundation.cos(2 * Double.pi * u2)
  }

  /// A random permutation of 0..<count (Fisher-Yates, driven by this generator).
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

  // MARK: - Helpers

  private static func splitMix(_ value: inout UInt64) -> UInt64 {
    value &+= 0x9E37_79B9_7F4A_7C15
    var mixed = value
    mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
    mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
    return mixed ^ (mixed >> 31)
  }

  private static func rotate(_ value: UInt64, _ count: UInt64) -> UInt64 {
    (value << count) | (value >> (64 - count))
  }
}
