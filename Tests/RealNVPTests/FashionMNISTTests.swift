import Foundation
import XCTest

@testable import RealNVP

/// Reads the real Fashion-MNIST that Debian's dataset-fashion-mnist installs (CI installs it).
final class FashionMNISTTests: XCTestCase {
  /// Fails (not skips) with install instructions when the dataset is absent.
  private func datasetInstalled() -> Bool {
    guard FileManager.default.fileExists(atPath: FashionMNIST.defaultDirectory) else {
      XCTFail(
        "\(FashionMNIST.defaultDirectory) is missing: install Debian's dataset-fashion-mnist "
          + "(sudo apt-get install dataset-fashion-mnist) to run this test")
      return false
    }
    return true
  }

  func testTrainSplit() throws {
    guard datasetInstalled() else { return }
    let train = try FashionMNIST.load(split: .train)
    XCTAssertEqual(train.shape, [60000, 1, 28, 28])
    let labels = try XCTUnwrap(train.labels)
    // Fashion-MNIST is balanced: 6000 training images per class.
    XCTAssertEqual(
      Dictionary(grouping: labels, by: { $0 }).mapValues(\.count),
      Dictionary(
        uniqueKeysWithValues: (0..<10).map { ($0, 6000) }))
    // The published per-pixel mean of the training set is 0.2860 (of 255).
    var (sum, low, high) = (0, UInt8.max, UInt8.min)
    train.pixels.withUnsafeBufferPointer { buffer in
      for value in buffer {
        sum &+= Int(value)
        low = Swift.min(low, value)
        high = Swift.max(high, value)
      }
    }
    XCTAssertEqual(Double(sum) / Double(train.pixels.count) / 255, 0.2860, accuracy: 0.0005)
    XCTAssertEqual([low, high], [0, 255])
  }

  func testTestSplit() throws {
    guard datasetInstalled() else { return }
    let test = try FashionMNIST.load(split: .test)
    XCTAssertEqual(test.shape, [10000, 1, 28, 28])
    XCTAssertEqual(test.labels?.filter { $0 == 9 }.count, 1000)
  }

  func testMissingFilesExplainTheInstall() {
    let hinted = thrownError(DatasetError.self) {
      try IDXDataset.load(
        directory: "/nonexistent/fashion", split: .train, name: "Fashion-MNIST",
        installHint: "install it with `sudo apt-get install dataset-fashion-mnist`")
    }
    XCTAssertTrue(hinted?.description.contains("apt-get install dataset-fashion-mnist") ?? false)
    let elsewhere = thrownError(DatasetError.self) {
      try FashionMNIST.load(directory: "/nonexistent/fashion", split: .test)
    }
    XCTAssertTrue(elsewhere?.description.contains("/nonexistent/fashion/t10k-images-idx3-ubyte.gz") ?? false)
  }
}
