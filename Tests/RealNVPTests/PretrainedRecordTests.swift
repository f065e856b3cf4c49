import Foundation
import RealNVP
import XCTest

final class PretrainedRecordTests: XCTestCase {
  /// A record in the shape `scripts/model-record.py` writes without `--checkpoint`.
  private let recordWithoutWeights = Array(
    """
    {"configuration": "mnist", "budget": "2 epochs",
     "test_bits_per_dim": {"mean": 1.9, "sd": 0.001},
     "learning_curve": [{"epoch": 1, "steps": 1200, "trainBitsPerDim": 2.4, "testBitsPerDim": 2.1,
                         "wallSeconds": 5600},
                        {"epoch": 2, "steps": 2400, "trainBitsPerDim": 2.0, "wallSeconds": 11200}]}
    """.utf8)

  func testARecordWithoutWeightsReadsByName() throws {
    let folder = try TemporaryFolder()
    try folder.write(recordWithoutWeights, to: "mnist-post-architecture.json")
    let read = try PretrainedRecord.named("mnist-post-architecture", in: folder.url)
    XCTAssertNil(read.sha256)
    XCTAssertEqual(read.configuration, "mnist")
    XCTAssertEqual(read.testBitsPerDim.mean, 1.9)
    XCTAssertEqual(read.learningCurve.map(\.steps), [1200, 2400])
    XCTAssertEqual(read.learningCurve.map(\.testBitsPerDim), [2.1, nil])
  }

  func testLoadingARecordThatPinsNoCheckpointSaysSo() throws {
    let folder = try TemporaryFolder()
    try folder.write(recordWithoutWeights, to: "mnist.json")
    try folder.write([0], to: "mnist.safetensors")
    XCTAssertThrowsError(try PretrainedModel.mnist.load(from: folder.url)) { error in
      guard case .badRecord(let path, let reason)? = error as? PretrainedModelError else {
        return XCTFail("expected badRecord, got \(error)")
      }
      XCTAssertTrue(path.hasSuffix("mnist.json"), path)
      XCTAssertTrue(reason.contains("pins no checkpoint"), reason)
    }
  }

  func testAMissingOrMalformedRecordNamesTheFile() throws {
    let folder = try TemporaryFolder()
    XCTAssertThrowsError(try PretrainedRecord.named("absent", in: folder.url)) { error in
      XCTAssertTrue("\(error)".contains(folder.path("absent.json")), "\(error)")
    }
    try folder.write(Array("{\"configuration\": 3}".utf8), to: "broken.json")
    XCTAssertThrowsError(try PretrainedRecord.named("broken", in: folder.url)) { error in
      guard case .badRecord(let path, _)? = error as? PretrainedModelError else {
        return XCTFail("expected badRecord, got \(error)")
      }
      XCTAssertEqual(path, folder.path("broken.json"))
    }
  }

  func testTheShippedRecordsPinTheirCheckpoints() throws {
    for which in PretrainedModel.allCases {
      let record = try which.record()
      XCTAssertEqual(record.sha256?.count, 64, which.rawValue)
      XCTAssertFalse(record.learningCurve.isEmpty, which.rawValue)
    }
  }
}
