import XCTest

@testable import RealNVP

final class CIFAR10Tests: XCTestCase {
  /// `count` records whose label is `(first + i) % 10` and whose pixels all equal the label * 20 + i.
  private func records(_ count: Int, first: Int) -> [UInt8] {
    (0..<count).flatMap { index -> [UInt8] in
      let label = (first + index) % 10
      return [UInt8(label)] + Array(repeating: UInt8(label * 20 + index), count: 3072)
    }
  }

  private func writeBatches(in folder: String, perFile: Int) throws {
    for (number, name) in CIFAR10.fileNames(for: .train).enumerated() {
      try Data(records(perFile, first: number * perFile)).write(to: URL(fileURLWithPath: folder + "/" + name))
    }
    try Data(records(3, first: 7)).write(to: URL(fileURLWithPath: folder + "/test_batch.bin"))
  }

  func testLoadsTrainAndTestFromTheNestedFolder() throws {
    let folder = try TemporaryFolder()
    try writeBatches(in: try folder.folder("cifar-10-batches-bin"), perFile: 2)
    let train = try CIFAR10.load(directory: folder.url.path, split: .train)
    XCTAssertEqual(train.shape, [10, 3, 32, 32])
    XCTAssertEqual(train.labels, Array(0..<10))
    XCTAssertEqual(train[3].first, UInt8(3 * 20 + 1))
    XCTAssertEqual(train[3].count, 3072)
    let test = try CIFAR10.load(directory: folder.path("cifar-10-batches-bin"), split: .test)
    XCTAssertEqual(test.labels, [7, 8, 9])
    XCTAssertEqual(Array(test[2].prefix(2)), [UInt8](repeating: 9 * 20 + 2, count: 2))
  }

  func testLimitStopsEarly() throws {
    let folder = try TemporaryFolder()
    try writeBatches(in: folder.url.path, perFile: 2)
    let some = try CIFAR10.load(directory: folder.url.path, split: .train, limit: 3)
    XCTAssertEqual(some.count, 3)
    XCTAssertEqual(some.labels, [0, 1, 2])
  }

  func testTruncatedBatch() throws {
    let folder = try TemporaryFolder()
    try writeBatches(in: folder.url.path, perFile: 2)
    let path = folder.path("test_batch.bin")
    try Data(records(2, first: 0).dropLast(100)).write(to: URL(fileURLWithPath: path))
    assertThrows(DatasetError.truncatedFile(path: path, expectedBytes: 2 * 3073, foundBytes: 2 * 3073 - 100))
    {
      try CIFAR10.load(directory: folder.url.path, split: .test)
    }
  }

  func testMissingBatchAndBadLabel() throws {
    let folder = try TemporaryFolder()
    try writeBatches(in: folder.url.path, perFile: 1)
    try FileManager.default.removeItem(atPath: folder.path("data_batch_4.bin"))
    let missing = thrownError(DatasetError.self) {
      try CIFAR10.load(directory: folder.url.path, split: .train)
    }
    guard case .missingFile(let path, _)? = missing else {
      return XCTFail("got \(String(describing: missing))")
    }
    XCTAssertEqual(path, folder.path("data_batch_4.bin"))

    var bad = records(1, first: 0)
    bad[0] = 12
    let badPath = try folder.write(bad, to: "test_batch.bin")
    assertThrows(
      DatasetError.malformedFile(path: badPath, expected: "labels 0...9 (record 0)", found: "label 12")
    ) { try CIFAR10.load(directory: folder.url.path, split: .test) }
  }
}
