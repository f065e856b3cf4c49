import TensorCore
import XCTest

@testable import RealNVP

final class SyntheticImagesTests: XCTestCase {
  func testSeededStructuredImages() {
    let images = SyntheticImages.generate(count: 60, channels: 3, height: 32, width: 32, seed: 3)
    XCTAssertEqual(images.shape, [60, 3, 32, 32])
    XCTAssertEqual(images, SyntheticImages.generate(count: 60, channels: 3, height: 32, width: 32, seed: 3))
    XCTAssertNotEqual(
      images, SyntheticImages.generate(count: 60, channels: 3, height: 32, width: 32, seed: 4))
    let labels = images.labels ?? []
    XCTAssertEqual(Set(labels), Set(SyntheticImages.Kind.allCases.map(\.rawValue)))
    for index in 0..<images.count {
      let image = images[index]
      let spread = Int(image.max()!) - Int(image.min()!)
      XCTAssertGreaterThan(spread, 20, "image \(index) should not be flat")
      // Structured, not noise: neighbors differ much less than in a shuffle of the same pixels.
      let plane = Array(image.prefix(32 * 32))
      var random = RandomGenerator(seed: UInt64(index))
      let shuffled = random.permutation(plane.count).map { plane[$0] }
      XCTAssertLessThan(variation(plane, width: 32), 0.6 * variation(shuffled, width: 32), "image \(index)")
    }
  }

  /// Sum of absolute differences between horizontal and vertical neighbors of a `width`-wide plane.
  private func variation(_ plane: [UInt8], width: Int) -> Double {
    var total = 0
    for index in plane.indices {
      if index % width != width - 1 { total += abs(Int(plane[index]) - Int(plane[index + 1])) }
      if index + width < plane.count { total += abs(Int(plane[index]) - Int(plane[index + width])) }
    }
    return Double(total)
  }
}
