import Foundation
import Glow
import RealNVP
import TensorCore
import TensorTestSupport
import XCTest

/// A multi-scale Glow built on the public API trains, is journaled as a configurable model and
/// is built again from its record.
final class GlowModelTests: XCTestCase {
  private let configuration = GlowModel.Configuration(
    channels: 1, height: 8, width: 8, levels: 2, steps: 2, hidden: 8)

  private func pixels(_ count: Int, seed: UInt64 = 1) -> Dataset {
    var rng = RandomGenerator(seed: seed)
    return Dataset(
      Tensor(
        shape: [count, 1, 8, 8],
        scalars: (0..<(count * 64)).map { _ in
          Float(rng.nextInt(below: 256))
        }))
  }

  func testTheWholeFlowInvertsWithItsLogDeterminant() throws {
    let model = try GlowModel(configuration: configuration)
    XCTAssertEqual(
      model.layerSummary,
      "preprocessingFlow x1, squeeze x2, actNorm x4, invertibleConv1x1 x4, glowCoupling x4, flatten x1")
    XCTAssertTrue(model.namedParameters.map(\.name).contains("glowCoupling3.net.mid.weight"))
    XCTAssertTrue(model.namedBuffers.map(\.name).contains("actNorm0.initialized"))
    var rng = RandomGenerator(seed: 3)
    _ = model.flow.forward(Tensor.normal([8, 1, 8, 8], using: &rng), training: true)  // ActNorm's init
    perturb(model.parameters, scale: 0.05)
    let report = checkFlow(model.flow, on: Tensor.normal([2, 1, 8, 8], using: &rng))
    XCTAssertTrue(report.passes(), "\(report)")
  }

  func testItTrainsAndIsRecordedAndBuiltAgainFromItsRecord() throws {
    registerGlow()
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("glow-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let journal = Journal(directory: folder)
    let model = try GlowModel(configuration: configuration)
    let history = try train(
      model, on: pixels(64), options: TrainingOptions(epochs: 3, batchSize: 16, learningRate: 2e-3, seed: 1),
      journal: journal)
    XCTAssertLessThan(history.epochs[2].trainBitsPerDim, history.epochs[0].trainBitsPerDim)

    let record = try XCTUnwrap(journal.runs.first).model
    XCTAssertEqual(record, model.modelDescription)
    XCTAssertEqual(record.settings["model"], "GlowModel")
    XCTAssertEqual(record.settings["steps"], "2")
    let rebuilt = try XCTUnwrap(try record.makeModel() as? GlowModel)
    XCTAssertEqual(rebuilt.configuration, configuration)
    var changed = record
    changed.seed = 4
    XCTAssertEqual(try XCTUnwrap(try changed.makeModel() as? GlowModel).configuration.seed, 4)
    XCTAssertEqual(try ExperimentConfiguration.named("mnist-glow").model.settings["hidden"], "256")
  }

  func testABadConfigurationSaysWhatIsWrong() {
    var bad = configuration
    bad.height = 6
    XCTAssertThrowsError(try GlowModel(configuration: bad)) { error in
      XCTAssertTrue("\(error)".contains("divisible by 4, got 6x8"), "\(error)")
    }
    let description = ModelDescription.custom(CustomModelDescription(name: "NoSuchModel", settings: [:]))
    XCTAssertThrowsError(try description.makeModel()) { error in
      XCTAssertTrue("\(error)".contains("No model type \"NoSuchModel\""), "\(error)")
    }
  }
}
