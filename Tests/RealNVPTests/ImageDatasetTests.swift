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

  func testHorizontalFlip() {
    let (pixels, shape) = dataset.batch(indices: [0])
    let flipped = ImageDataset.flippedHorizontally(pixels, shape: shape)
    XCTAssertEqual(Array(flipped[0..<6]), [2, 1, 0, 5, 4, 3])
    XCTAssertEqual(Array(flipped[6..<12]), [12, 11, 10, 15, 14, 13])
    XCTAssertEqual(ImageDataset.flippedHorizontally(flipped, shape: shape), pixels)

    let (all, allShape) = dataset.batch(indices: [0, 1, 2, 3])
    var random = RandomGenerator(seed: 3)
    let some = ImageDataset.randomlyFlipped(all, shape: allShape, probability: 0.5, random: &random)
    let mirrored = ImageDataset.flippedHorizontally(all, shape: allShape)
    for image in 0..<4 {
      let range = (image * 12)..<((image + 1) * 12)
      XCTAssertTrue(some[range] == all[range] || some[range] == mirrored[range])
    }
    var never = RandomGenerator(seed: 3)
    XCTAssertEqual(ImageDataset.randomlyFlipped(all, shape: allShape, probability: 0, random: &never), all)
  }

  func testBatchIteratorCoversEachItemOncePerEpoch() {
    let batches = Array(BatchIterator(count: 10, batchSize: 4, seed: 9, epoch: 0))
    XCTAssertEqual(batches.map(\.count), [4, 4, 2])
    XCTAssertEqual(batches.flatMap { $0 }.sorted(), Array(0..<10))
    XCTAssertEqual(BatchIterator(count: 10, batchSize: 4, seed: 9).batchesPerEpoch, 3)

    let dropped = BatchIterator(count: 10, batchSize: 4, seed: 9, dropLast: true)
    XCTAssertEqual(dropped.batchesPerEpoch, 2)
    XCTAssertEqual(Array(dropped).map(\.count), [4, 4])

    XCTAssertEqual(Array(BatchIterator(count: 10, batchSize: 4, seed: 9, epoch: 0)), batches)
    XCTAssertNotEqual(Array(BatchIterator(count: 10, batchSize: 4, seed: 9, epoch: 1)), batches)
    XCTAssertEqual(Array(BatchIterator(count: 5, batchSize: 2, shuffle: false)), [[0, 1], [2, 3], [4]])
    XCTAssertTrue(Array(BatchIterator(count: 3, batchSize: 4, dropLast: true)).isEmpty)
  }
}
