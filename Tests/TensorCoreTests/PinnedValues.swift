/// Known first outputs of RandomGenerator(seed: 0). They agree with an independent Python
/// reimplementation of xoshiro256** seeded through SplitMix64, and were pinned after the
/// statistics tests passed.
enum PinnedValues {
  static let firstUInt64: UInt64 = 11_091_344_671_253_066_420
  static let firstFloats: [Float] = [0.601263, 0.74777406, 0.10301995]
}
