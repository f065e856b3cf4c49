import TensorCore
import XCTest

@testable import RealNVP

final class ImageDatasetTests: XCTestCase {
  /// 4 images of 2x2x3 whose values are image * 50 + channel * 10 + position.
  private let dataset: ImageDataset = {
    var pixels = [UInt8]()
    for image in 0..<4 {
      for channel in 0..<2 {
        for position in 0..<6 { pixels.append(UInt8(image * 50 + channel * 10 + position)) }
      }
    }
    return ImageDataset(count: 4, channels: 2, height: 2, width: 3, pixels: pixels, labels: [3, 1, 4, 1])
  }()

  func testBatchSubsetAndPrefix() {
    let (pixels, shape) = dataset.batch(indices: [2, 0])
    XCTAssertEqual(shape, [2, 2, 2, 3])
    XCTAssertEqual(Array(pixels[0..<12]), Array(dataset[2]))
    XCTAssertEqual(Array(pixels[12...]), Array(dataset[0]))
    XCTAssertEqual(dataset.labels(indices: [2, 0]), [4, 3])
    XCTAssertEqual(dataset.floatBatch(indices: [1]).scalars.first, 50)
    let subset = dataset.subset(indices: [3, 1])
    XCTAssertEqual(subset.count, 2)
    XCTAssertEqual(subset.labels, [1, 1])
    XCTAssertEqual(Array(subset[0]), Array(dataset[3]))
    XCTAssertEqual(dataset.prefix(2).pixels, Array(dataset.pixels[0..<24]))
    XCTAssertEqual(dataset.prefix(10), dataset)
  }

  func testRandomHorizontalFlipsMirrorWholeImagesOrLeaveThem() {
    let (scalars, shape) = dataset.floatBatch(indices: [0, 1, 2, 3])
    let batch = Tensor(shape: shape, scalars: scalars)
    var random = RandomGenerator(seed: 3)
    let some = randomHorizontalFlips(batch, using: &random).scalars
    var flippedCount = 0
    for image in 0..<4 {
      let range = (image * 12)..<((image + 1) * 12)
      let original = Array(scalars[range])
      // Each row of 3 reversed: positions 0 1 2 | 3 4 5 of each channel.
      let mirrored = stride(from: 0, to: 12, by: 3).flatMap { original[$0..<($0 + 3)].reversed() }
      XCTAssertTrue(Array(some[range]) == original || Array(some[range]) == mirrored, "image \(image)")
      if Array(some[range]) == mirrored { flippedCount += 1 }
    }
    XCTAssertTrue(
      (1...3).contains(flippedCount), "seed 3 flips some images and keeps others: \(flippedCount)")
    var again = RandomGenerator(seed: 3)
    XCTAssertEqual(randomHorizontalFlips(batch, using: &again).scalars, some, "the flips follow the stream")
  }

  func testADatasetOfATensorBatchesAndFingerprintsItsRows() {
    let data = Dataset(Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6]))
    XCTAssertEqual(data.count, 3)
    XCTAssertEqual(data.sampleShape, [2])
    XCTAssertEqual(data.batch([2, 0]).scalars, [5, 6, 1, 2])
    XCTAssertEqual(data.prefix(2).count, 2)
    XCTAssertNil(data.labels)
    XCTAssertEqual(data.fingerprint.count, 3)
    XCTAssertNotEqual(
      data.fingerprint.checksum,
      Dataset(Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 7])).fingerprint.checksum)
  }
}
