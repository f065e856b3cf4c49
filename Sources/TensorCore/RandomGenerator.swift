import Foundation

// MARK: - Seeded generator

/// A seeded pseudo-random generator (xoshiro256**) that gives the same numbers on every machine.
///
/// The 64-bit seed is expanded into the 256-bit state with SplitMix64. Normal values use the
/// Box-Muller transform computed in Double. `fork()` derives an independent substream.
public struct RandomGenerator: RandomNumberGenerator {
  var state: (UInt64, UInt64, UInt64, UInt64)
  var spareNormal: Float?

  init(state: (UInt64, UInt64, UInt64, UInt64)) {
    self.state = state
  }

  /// Creates a generator whose whole sequence is fixed by `seed`.
  public init(seed: UInt64) {
    var mixer = seed
    state = (
      RandomGenerator.splitMix(&mixer), RandomGenerator.splitMix(&mixer),
      RandomGenerator.splitMix(&mixer), RandomGenerator.splitMix(&mixer)
    )
  }

  private static func splitMix(_ x: inout UInt64) -> UInt64 {
    x &+= 0x9E37_79B9_7F4A_7C15
    var z = x
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    let result = RandomGenerator.rotl(state.1 &* 5, 7) &* 9
    let t = state.1 << 17
    state.2 ^= state.0
    state.3 ^= state.1
    state.1 ^= state.2
    state.0 ^= state.3
    state.2 ^= t
    state.3 = RandomGenerator.rotl(state.3, 45)
    return result
  }

  /// A uniform Float in [0, 1) with 24 random bits.
  public mutating func nextFloat() -> Float {
    Float(next() >> 40) * 0x1p-24
  }

  /// A uniform Double in [0, 1) with 53 random bits.
  public mutating func nextDouble() -> Double {
    Double(next() >> 11) * 0x1p-53
  }

  /// A standard normal value (Box-Muller; values come in pairs, the second one is kept).
  public mutating func nextNormal() -> Float {
    if let spare = spareNormal {
      spareNormal = nil
      return spare
    }
    let u1 = 1 - nextDouble()  // in (0, 1], so the log is finite
    let u2 = nextDouble()
    let radius = (-2 * Foundation.log(u1)).squareRoot()
    let angle = 2 * Double.pi * u2
    spareNormal = Float(radius * Foundation.sin(angle))
    return Float(radius * Foundation.cos(angle))
  }

  /// A uniform integer in 0..<bound (bound > 0), without modulo bias.
  public mutating func nextInt(below bound: Int) -> Int {
    precondition(bound > 0, "nextInt(below:) needs a positive bound, got \(bound)")
    return Int(next(upperBound: UInt64(bound)))
  }

  /// A new generator for an independent substream; advances this one by one step.
  public mutating func fork() -> RandomGenerator {
    RandomGenerator(seed: next() ^ 0x6A09_E667_F3BC_C909)
  }
}
