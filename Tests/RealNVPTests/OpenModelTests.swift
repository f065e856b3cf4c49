import Foundation
import TensorCore
import TensorTestSupport
import XCTest

@testable import RealNVP

/// A flow written outside the library becomes a model that trains, journals, checkpoints,
/// reloads and resumes like the built-ins; checkpoint names of the built-ins stay as they were.
final class OpenModelTests: XCTestCase {
  /// A user's flow: a learned per-dimension shift and log-scale.
  final class ScaleShift: Module, Flow {
    let shift = Parameter(.zeros([1, 2]))
    let logScale = Parameter(.zeros([1, 2]))

    func forward(_ x: Tensor, training: Bool) -> (output: Tensor, logAbsDet: Tensor) {
      ((x + shift.value) * exp(logScale.value), constantLogAbsDet(logScale.value.sum(), count: x.shape[0]))
    }

    func inverse(_ z: Tensor) -> (output: Tensor, logAbsDet: Tensor) {
      (z * exp(-logScale.value) - shift.value, constantLogAbsDet(-logScale.value.sum(), count: z.shape[0]))
    }
  }

  private func userModel(seed: UInt64 = 3) -> FlowModel {
    var rng = RandomGenerator(seed: seed)
    let layers: [Flow] =
      [ScaleShift()]
      + (0..<2).map { i in
        AffineCoupling(
          mask: .vector(parity: i % 2), network: MLPCouplingNetwork(dimensions: 2, hidden: 8, using: &rng),
          channels: 2)
      }
    return FlowModel(flow: FlowSequence(layers), base: StandardNormal(shape: [2]), sampleShape: [2])
  }

  private var points: Dataset { Datasets.moons(count: 64, noise: 0.05, seed: 2) }

  func testAUserFlowIsNamedByKindAndPassesTheFlowCheck() {
    let model = userModel()
    XCTAssertEqual(
      model.namedParameters.map(\.name),
      [
        "scaleShift0.shift", "scaleShift0.logScale", "coupling0.scale", "coupling0.net.hidden0.weight",
        "coupling0.net.hidden0.bias", "coupling0.net.hidden1.weight", "coupling0.net.hidden1.bias",
        "coupling0.net.out.weight", "coupling0.net.out.bias", "coupling1.scale",
        "coupling1.net.hidden0.weight",
        "coupling1.net.hidden0.bias", "coupling1.net.hidden1.weight", "coupling1.net.hidden1.bias",
        "coupling1.net.out.weight", "coupling1.net.out.bias",
      ])
    perturb(model.parameters)
    var rng = RandomGenerator(seed: 1)
    let report = checkFlow(model.flow, on: .normal([4, 2], using: &rng))
    XCTAssertTrue(report.passes(), "\(report)")
  }

  func testAUserModelTrainsJournalsCheckpointsAndResumesExactly() throws {
    let folder = try TemporaryFolder()
    let journal = Journal(directory: folder.url.appendingPathComponent("runs"))
    let file = folder.url.appendingPathComponent("user.resume.safetensors")
    let options = TrainingOptions(epochs: 2, batchSize: 16, learningRate: 1e-2, seed: 5)

    let straight = userModel()
    let before = straight.namedParameters.map { $0.parameter.value.scalars }
    let full = try train(
      straight, on: points, validation: points, options: options, journal: journal, checkpointEvery: 5,
      onCheckpoint: { point in
        if point.optimizer.step == 5 { try? straight.saveTrainingCheckpoint(to: file, resume: point) }
      })
    XCTAssertNotEqual(straight.namedParameters.map { $0.parameter.value.scalars }, before, "it trained")
    XCTAssertLessThan(full.epochs[1].trainLoss, full.epochs[0].trainLoss + 0.5)

    let run = try XCTUnwrap(journal.runs.first)
    guard case .custom(let description) = run.model else { return XCTFail("recorded \(run.model)") }
    XCTAssertEqual(description.name, "FlowModel")
    XCTAssertEqual(description.settings["flow"], "scaleShift x1, coupling x2")
    XCTAssertEqual(RunComparison.settings(of: run)["model"], "FlowModel")

    // A fresh instance loads the checkpoint and goes on exactly where the run was.
    let resumed = userModel()
    let point = try resumed.loadTrainingCheckpoint(from: file)
    XCTAssertEqual(point.optimizer.step, 5)
    let rest = try train(
      resumed, on: points, validation: points, options: options, journal: nil, resume: point)
    XCTAssertEqual(rest.stepLosses, full.stepLosses)
    for (a, b) in zip(resumed.namedTensors, straight.namedTensors) {
      XCTAssertEqual(a.value.scalars, b.value.scalars, "\(a.name) differs after the resume")
    }
    var rng = RandomGenerator(seed: 8)
    let batch = points.batch(Array(0..<32))
    var again = RandomGenerator(seed: 8)
    XCTAssertEqual(
      resumed.bitsPerDimension(batch, using: &rng), straight.bitsPerDimension(batch, using: &again))
  }

  /// A density model that is not a flow: a diagonal Gaussian with a learned mean and scale.
  final class DiagonalGaussian: Module, DensityModel {
    let mean = Parameter(.zeros([1, 2]))
    let logStd = Parameter(.zeros([1, 2]))
    var dimensions: Int { 2 }

    func negativeLogLikelihood(dequantized x: Tensor, training: Bool) -> Tensor {
      let z = (x - mean.value) * exp(-logStd.value)
      return -(standardNormalLogDensity(z) - logStd.value.sum())
    }

    func sample(count: Int, temperature: Float, using rng: inout RandomGenerator) -> Tensor {
      Tensor.normal([count, 2], std: temperature, using: &rng) * exp(logStd.value) + mean.value
    }
  }

  func testAnyDensityModelTrainsIsJournaledByTypeAndReloads() throws {
    let folder = try TemporaryFolder()
    let journal = Journal(directory: folder.url.appendingPathComponent("runs"))
    let model = DiagonalGaussian()
    try train(
      model, on: points, options: TrainingOptions(epochs: 20, batchSize: 16, learningRate: 5e-2),
      journal: journal)
    let mean = points.batch(Array(0..<64)).mean(axes: [0]).scalars
    XCTAssertEqual(model.mean.value.scalars[0], mean[0], accuracy: 0.1, "it learned the data's mean")
    XCTAssertEqual(try XCTUnwrap(journal.runs.first).model.settings["model"], "DiagonalGaussian")
    let file = folder.url.appendingPathComponent("gaussian.safetensors")
    try model.saveCheckpoint(to: file)
    let fresh = DiagonalGaussian()
    try fresh.loadCheckpoint(from: file)
    XCTAssertEqual(fresh.logStd.value.scalars, model.logStd.value.scalars)
  }

  func testACheckpointOfAnotherModelListsMissingUnexpectedAndMisshapedNames() throws {
    let folder = try TemporaryFolder()
    let file = folder.url.appendingPathComponent("toy.safetensors")
    try RealNVP2D(couplings: 2, hidden: 4).saveCheckpoint(to: file)
    let target = userModel()
    let untouched = target.namedTensors.map(\.value.scalars)
    XCTAssertThrowsError(try target.loadCheckpoint(from: file)) { error in
      guard case CheckpointMismatch.otherModel(_, _, let tensors) = error else {
        return XCTFail("\(error)")
      }
      XCTAssertEqual(tensors.missing, ["scaleShift0.logScale", "scaleShift0.shift"])
      XCTAssertEqual(tensors.unexpected, [])
      XCTAssertTrue(
        tensors.misshaped.contains("coupling0.net.hidden0.weight: [4, 2] vs [8, 2]"), "\(tensors)")
      let text = "\(error)"
      XCTAssertTrue(text.contains("2 missing from the checkpoint: scaleShift0.logScale"), text)
    }
    XCTAssertEqual(target.namedTensors.map(\.value.scalars), untouched, "a failed load changes nothing")

    try userModel().saveCheckpoint(to: file)
    XCTAssertThrowsError(try RealNVP2D(couplings: 2, hidden: 8).loadCheckpoint(from: file)) { error in
      XCTAssertTrue(
        "\(error)".contains("2 not in this model: scaleShift0.logScale, scaleShift0.shift"), "\(error)")
    }
  }

  func testTheBuiltInModelsKeepTheirCheckpointNames() throws {
    let toy = RealNVP2D(
      Toy2DArchitecture(
        couplings: 2, hidden: 4, hiddenLayers: 1, couplingNetworks: .separate, boundedShift: true,
        batchNorm: true))
    XCTAssertEqual(
      toy.namedTensors.map(\.name),
      [
        "coupling0.scale", "coupling0.net.s.hidden0.weight", "coupling0.net.s.hidden0.bias",
        "coupling0.net.s.out.weight", "coupling0.net.s.out.bias", "coupling0.net.t.hidden0.weight",
        "coupling0.net.t.hidden0.bias", "coupling0.net.t.out.weight", "coupling0.net.t.out.bias",
        "batchNorm0.runningMean", "batchNorm0.runningVariance", "coupling1.scale",
        "coupling1.net.s.hidden0.weight",
        "coupling1.net.s.hidden0.bias", "coupling1.net.s.out.weight", "coupling1.net.s.out.bias",
        "coupling1.net.t.hidden0.weight", "coupling1.net.t.hidden0.bias", "coupling1.net.t.out.weight",
        "coupling1.net.t.out.bias",
      ])
    // The shipped models' files hold exactly the names their architecture derives.
    for which in PretrainedModel.allCases {
      let url = PretrainedModel.directory.appendingPathComponent(which.checkpointFile)
      let contents = try SafeTensors.read(from: url)
      let record = try which.record()
      let model = try ExperimentConfiguration.named(record.configuration).makeModel()
      XCTAssertEqual(Set(model.namedTensors.map(\.name)), Set(contents.tensors.keys), which.rawValue)
      XCTAssertTrue(contents.tensors.keys.contains("coupling15.net.block1.conv2.gain"), which.rawValue)
      XCTAssertTrue(contents.tensors.keys.contains("coupling11.batchNorm.runningVariance"), which.rawValue)
    }
  }

  func testTheFlowCheckNamesTheWorstElementOfABrokenLayer() {
    /// Forward adds 1 to the first dimension, the inverse forgets to take it off.
    final class Broken: Module, Flow {
      func forward(_ x: Tensor, training: Bool) -> (output: Tensor, logAbsDet: Tensor) {
        (x + Tensor(shape: [1, 3], scalars: [1, 0, 0]), .zeros([x.shape[0]]) + 0.5)
      }
      func inverse(_ z: Tensor) -> (output: Tensor, logAbsDet: Tensor) { (z, .zeros([z.shape[0]])) }
    }
    var rng = RandomGenerator(seed: 4)
    let report = checkFlow(Broken(), on: .normal([2, 3], using: &rng))
    XCTAssertFalse(report.passes())
    XCTAssertEqual(report.inverseError, 1, accuracy: 1e-6)
    XCTAssertEqual(report.worstElement.index, [0])
    XCTAssertEqual(report.cancellationGap, 0.5, accuracy: 1e-6)
    XCTAssertEqual(report.logDetGap ?? -1, 0.5, accuracy: 1e-6)
    XCTAssertTrue("\(report)".contains("element [0]"), "\(report)")
  }
}
