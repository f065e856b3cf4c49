import Foundation
import TensorCore
import TensorTestSupport
import XCTest

@testable import RealNVP

/// Finding flows inside a model, and re-estimating batch norm's running statistics.
final class BatchNormStatisticsTests: XCTestCase {
  func testModulesOfTypeFindsEveryBatchNormInsideNestedScales() {
    let model = MultiScaleRealNVP(
      Architecture(channels: 1, height: 4, width: 4, scales: 1, residualBlocks: 1, hidden: 4), seed: 0)
    let couplings = model.modules(ofType: AffineCoupling.self)
    XCTAssertEqual(couplings.count, 10)
    XCTAssertEqual(model.batchNormLayers.count, couplings.count, "one batch norm after each coupling")
    XCTAssertEqual(Set(model.batchNormLayers.map { ObjectIdentifier($0) }).count, couplings.count)
    let noBatchNorm = MultiScaleRealNVP(
      Architecture(
        channels: 1, height: 4, width: 4, scales: 1, residualBlocks: 1, hidden: 4, batchNorm: false),
      seed: 0)
    XCTAssertTrue(noBatchNorm.batchNormLayers.isEmpty)
  }

  /// The first batch norm sees the first coupling's output, which no statistic changes: its
  /// re-estimated mean and variance must be the plain average of the per-batch statistics.
  func testFirstBatchNormGetsTheAverageOfItsBatchStatistics() throws {
    let model = RealNVP2D(couplings: 3, hidden: 8, batchNorm: true, seed: 1)
    perturb(model.parameters, scale: 0.3)
    var rng = RandomGenerator(seed: 2)
    let points = Tensor.normal([40, 2], std: 1.5, using: &rng) + 0.7
    let data = Dataset(points)
    let sequence = try XCTUnwrap(model.flow as? FlowSequence)
    let firstNorm = try XCTUnwrap(sequence.layers[1] as? FlowBatchNorm)
    let momentum = firstNorm.momentum

    let seen = model.reestimateBatchNormStatistics(on: data, batches: 2, batchSize: 20, seed: 7)

    XCTAssertEqual(seen, 40)
    XCTAssertEqual(firstNorm.momentum, momentum, "momentum is restored")
    var order = RandomGenerator(seed: 7)
    let permutation = order.permutation(40)
    var means: [Tensor] = []
    var variances: [Tensor] = []
    for half in [permutation[0..<20], permutation[20..<40]] {
      let y = withoutGradients { sequence.layers[0].forward(data.batch(Array(half))).output }
      means.append(y.mean(axes: [0], keepDims: true))
      variances.append(y.variance(axes: [0], keepDims: true) * (20 / 19))
    }
    assertClose(firstNorm.runningMean.value.scalars, ((means[0] + means[1]) * 0.5).scalars, accuracy: 1e-5)
    assertClose(
      firstNorm.runningVariance.value.scalars, ((variances[0] + variances[1]) * 0.5).scalars, accuracy: 1e-4)
  }

  /// After re-estimation on data drawn from one distribution, every batch norm's inputs are
  /// close to standardized, which the slowly moving training averages are not.
  func testReestimatedStatisticsStandardizeEveryLayersInputs() throws {
    let model = RealNVP2D(couplings: 4, hidden: 8, batchNorm: true, seed: 3)
    perturb(model.parameters, scale: 0.3)
    var rng = RandomGenerator(seed: 4)
    let data = Dataset(Tensor.normal([2000, 2], std: 3, using: &rng) + 5)
    model.reestimateBatchNormStatistics(on: data, batches: 20, batchSize: 100)
    let sequence = try XCTUnwrap(model.flow as? FlowSequence)
    var h = data.tensor
    for layer in sequence.layers {
      h = withoutGradients { layer.forward(h).output }
      guard layer is FlowBatchNorm else { continue }
      for value in h.mean(axes: [0]).scalars { XCTAssertEqual(value, 0, accuracy: 0.05) }
      for value in h.variance(axes: [0]).scalars { XCTAssertEqual(value, 1, accuracy: 0.1) }
    }
  }
}
