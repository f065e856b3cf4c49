import TensorCore
import XCTest

@testable import RealNVP

final class RandomStreamTests: XCTestCase {
  /// Values from an independent Python transcription of SplitMix64-seeded xoshiro256**.
  func testMatchesTheReferenceSequence() {
    var zero = RandomGenerator(seed: 0)
    XCTAssertEqual(
      [zero.next(), zero.next(), zero.next()],
      [0x99EC_5F36_CB75_F2B4, 0xBF6E_1F78_4956_452A, 0x1A5F_849D_4933_E6E0])
    var streamed = RandomGenerator(seed: 42, stream: 3)
    XCTAssertEqual([streamed.next(), streamed.next()], [0x3CF8_60AF_930C_C916, 0x1CE8_FD05_1379_4C95])
    var seven = RandomGenerator(seed: 7)
    XCTAssertEqual(seven.permutation(10), [1, 8, 3, 0, 4, 5, 9, 6, 2, 7])
  }

  func testUniformAndGaussianMoments() {
    var random = RandomGenerator(seed: 11)
    let uniforms = (0..<100_000).map { _ in random.nextDouble() }
    XCTAssertEqual(uniforms.reduce(0, +) / 1e5, 0.5, accuracy: 0.005)
    XCTAssertTrue(uniforms.allSatisfy { $0 >= 0 && $0 < 1 })
    let gaussians = (0..<100_000).map { _ in random.nextGaussian() }
    let mean = gaussians.reduce(0, +) / 1e5
    let variance = gaussians.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 1e5
    XCTAssertEqual(mean, 0, accuracy: 0.01)
    XCTAssertEqual(variance, 1, accuracy: 0.02)
    let counts = (0..<60_000).reduce(into: [Int](repeating: 0, count: 6)) { counts, _ in
      counts[random.nextInt(below: 6)] += 1
    }
    XCTAssertTrue(counts.allSatisfy { abs($0 - 10_000) < 400 }, "\(counts)")
  }

  func testShuffleReproducesAndDependsOnTheSeed() {
    func shuffled(_ seed: UInt64) -> [Int] {
      var random = RandomGenerator(seed: seed)
      return random.permutation(50)
    }
    let first = shuffled(5)
    XCTAssertEqual(first, shuffled(5))
    XCTAssertNotEqual(first, shuffled(6))
    XCTAssertEqual(first.sorted(), Array(0..<50))
  }
}
