import XCTest

@testable import RealNVP

final class IDXReaderTests: XCTestCase {
  private let images: [UInt8] = (0..<(3 * 2 * 4)).map { UInt8($0 * 10) }
  private let labels: [UInt8] = [7, 0, 9]

  // MARK: - Good files

  func testReadsRawAndGzipImagesAndLabels() throws {
    let folder = try TemporaryFolder()
    let raw = TestFiles.idx(shape: [3, 2, 4], values: images)
    let rawPath = try folder.write(raw, to: "images-raw")
    let gzPath = try folder.write(TestFiles.gzip(raw, scratch: folder.path("scratch")), to: "images.gz")
    for path in [rawPath, gzPath] {
      let read = try IDXReader.readImages(path: path)
      XCTAssertEqual(read.count, 3)
      XCTAssertEqual(read.height, 2)
      XCTAssertEqual(read.width, 4)
      XCTAssertEqual(read.pixels, images)
    }
    let labelPath = try folder.write(
      TestFiles.gzip(TestFiles.idx(shape: [3], values: labels), scratch: folder.path("s")), to: "labels.gz")
    XCTAssertEqual(try IDXReader.readLabels(path: labelPath), [7, 0, 9])
  }

  func testMNISTLoadsBothSpellingsAndSplits() throws {
    let folder = try TemporaryFolder()
    let scratch = folder.path("scratch")
    try folder.write(
      TestFiles.gzip(TestFiles.idx(shape: [3, 2, 4], values: images), scratch: scratch),
      to: "train-images-idx3-ubyte.gz")
    try folder.write(TestFiles.idx(shape: [3], values: labels), to: "train-labels-idx1-ubyte")
    try folder.write(
      TestFiles.idx(shape: [1, 2, 4], values: Array(images[0..<8])), to: "t10k-images.idx3-ubyte")
    try folder.write(TestFiles.idx(shape: [1], values: [4]), to: "t10k-labels.idx1-ubyte")

    let train = try MNIST.load(directory: folder.url.path, split: .train)
    XCTAssertEqual(train.shape, [3, 1, 2, 4])
    XCTAssertEqual(train.pixels, images)
    XCTAssertEqual(train.labels, [7, 0, 9])
    let test = try MNIST.load(directory: folder.url.path, split: .test)
    XCTAssertEqual(test.shape, [1, 1, 2, 4])
    XCTAssertEqual(test.labels, [4])
  }

  // MARK: - Bad files

  func testMissingFileNamesThePath() throws {
    let folder = try TemporaryFolder()
    let error = thrownError(DatasetError.self) { try MNIST.load(directory: folder.url.path, split: .train) }
    guard case .missingFile(let path, let expected)? = error else {
      return XCTFail("expected missingFile, got \(String(describing: error))")
    }
    XCTAssertEqual(path, folder.path("train-images-idx3-ubyte.gz"))
    XCTAssertTrue(expected.contains("train-images-idx3-ubyte"), expected)
    XCTAssertTrue(error!.description.contains(path))
  }

  func testWrongMagicNumber() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write(TestFiles.idx(shape: [3], values: labels), to: "labels-as-images")
    assertThrows(DatasetError.wrongMagicNumber(path: path, expected: 0x803, found: 0x801)) {
      try IDXReader.readImages(path: path)
    }
    let text = DatasetError.wrongMagicNumber(path: path, expected: 0x803, found: 0x801).description
    XCTAssertTrue(text.contains("0x00000803") && text.contains("0x00000801") && text.contains(path), text)
  }

  func testTruncatedRawFile() throws {
    let folder = try TemporaryFolder()
    let full = TestFiles.idx(shape: [3, 2, 4], values: images)
    let path = try folder.write(Array(full.dropLast(5)), to: "short")
    assertThrows(
      DatasetError.truncatedFile(path: path, expectedBytes: full.count, foundBytes: full.count - 5)
    ) {
      try IDXReader.readImages(path: path)
    }
    let headerOnly = try folder.write(Array(full.prefix(6)), to: "header")
    assertThrows(DatasetError.truncatedFile(path: headerOnly, expectedBytes: 16, foundBytes: 6)) {
      try IDXReader.readImages(path: headerOnly)
    }
  }

  func testTruncatedAndCorruptGzip() throws {
    let folder = try TemporaryFolder()
    let values = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7919 >> 3) }
    let compressed = TestFiles.gzip(
      TestFiles.idx(shape: [5, 25, 40], values: values), scratch: folder.path("s"))
    let truncated = try folder.write(Array(compressed.prefix(compressed.count / 2)), to: "truncated.gz")
    var damaged = compressed
    for index in 12..<40 { damaged[index] ^= 0x5A }
    let corrupt = try folder.write(damaged, to: "corrupt.gz")
    for path in [truncated, corrupt] {
      let error = thrownError(DatasetError.self) { try IDXReader.readImages(path: path) }
      guard case .corruptGzip(let named, _)? = error else {
        return XCTFail("expected corruptGzip for \(path), got \(String(describing: error))")
      }
      XCTAssertEqual(named, path)
    }
  }

  func testLabelCountMustMatchImages() throws {
    let folder = try TemporaryFolder()
    try folder.write(TestFiles.idx(shape: [3, 2, 4], values: images), to: "train-images-idx3-ubyte")
    let labelPath = try folder.write(
      TestFiles.idx(shape: [2], values: [1, 2]), to: "train-labels-idx1-ubyte")
    let error = thrownError(DatasetError.self) { try MNIST.load(directory: folder.url.path, split: .train) }
    guard case .malformedFile(let path, _, let found)? = error else {
      return XCTFail("expected malformedFile, got \(String(describing: error))")
    }
    XCTAssertEqual(path, labelPath)
    XCTAssertEqual(found, "2 labels")
  }
}
