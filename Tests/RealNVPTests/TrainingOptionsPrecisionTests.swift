import Foundation
import RealNVP
import TensorCore
import XCTest

/// `TrainingOptions.precision`: recorded in run records, absent from older ones.
final class TrainingOptionsPrecisionTests: XCTestCase {
  func testOlderRecordsWithoutPrecisionStillDecode() throws {
    let options = TrainingOptions(epochs: 2, batchSize: 8, precision: .bfloat16)
    let encoded = try JSONEncoder().encode(options)
    XCTAssertEqual(try JSONDecoder().decode(TrainingOptions.self, from: encoded), options)
    var object = try XCTUnwrap(JSONSerialization.jsonObject(with: encoded) as? [String: Any])
    XCTAssertEqual(object["precision"] as? String, "bf16")
    object["precision"] = nil
    let older = try JSONDecoder().decode(
      TrainingOptions.self, from: JSONSerialization.data(withJSONObject: object))
    XCTAssertNil(older.precision)
    XCTAssertEqual(older.batchSize, 8)
  }

  func testTrainingRunsInTheOptionsPrecisionAndRestoresTheSetting() throws {
    let data = Datasets.moons(count: 64, noise: 0.05, seed: 0)
    let model = RealNVP2D(couplings: 2, hidden: 8)
    ComputeBackend.convolutionPrecision = .float32
    let options = TrainingOptions(epochs: 1, batchSize: 32, precision: .bfloat16)
    let seen = PrecisionRecorder()
    try train(model, on: data, options: options, reporter: seen, journal: nil)
    XCTAssertEqual(seen.precisions, [ComputeBackend.hasBFloat16 ? .bfloat16 : .float32], "during the steps")
    XCTAssertEqual(ComputeBackend.convolutionPrecision, .float32, "after training")
  }
}

/// Notes the convolution precision in force at each reported step.
private final class PrecisionRecorder: TrainingProgressReporter {
  var precisions: Set<Precision> = []
  func report(_ progress: TrainingProgress) { precisions.insert(ComputeBackend.convolutionPrecision) }
  func finish(_ history: TrainingHistory) {}
}
