import Foundation
import TensorCore
import TensorTestSupport
import XCTest

@testable import RealNVP

/// The density model assembled from preprocessing, flow and base distribution.
final class FlowModelTests: XCTestCase {
  func testLogDensityOfSamplesEqualsMinusTheirNegativeLogLikelihood() {
    let model = RealNVP2D(couplings: 4, hidden: 8, batchNorm: true, seed: 1)
    perturb(model.parameters, scale: 0.3)
    var rng = RandomGenerator(seed: 2)
    let (samples, logDensity) = model.sampleWithLogDensity(count: 5, temperature: 0.8, using: &rng)
    var unused = RandomGenerator(seed: 0)
    let nll = withoutGradients { model.negativeLogLikelihood(samples, training: false, using: &unused) }
    assertClose(logDensity.scalars, (-nll).scalars, accuracy: 5e-3)
  }

  func testImageSamplesAreQuantizedAndEncodeInvertsDecode() {
    let model = MultiScaleRealNVP(
      Architecture(channels: 1, height: 4, width: 4, scales: 1, residualBlocks: 1, hidden: 4), seed: 3)
    perturb(model.parameters, scale: 0.05)
    var rng = RandomGenerator(seed: 4)
    let samples = model.sample(count: 3, temperature: 0.7, using: &rng)
    XCTAssertEqual(samples.shape, [3, 1, 4, 4])
    XCTAssertTrue(samples.scalars.allSatisfy { $0 >= 0 && $0 <= 255 && $0 == $0.rounded(.down) })
    let z = Tensor.normal([2, 16], std: 0.5, using: &rng)
    assertClose(model.encode(model.decode(z)).scalars, z.scalars, accuracy: 1e-3)
  }

  func testStandardNormalLogProbabilityAndTemperature() {
    let base = StandardNormal(shape: [2])
    let z = Tensor(shape: [1, 2], scalars: [1, -2])
    XCTAssertEqual(base.logProbability(z).item(), -0.5 * 5 - Float(log(2 * Double.pi)), accuracy: 1e-5)
    var rng = RandomGenerator(seed: 5)
    let draws = base.sample(count: 4000, temperature: 0.5, using: &rng)
    let variance = draws.squared().mean().item()
    XCTAssertEqual(variance, 0.25, accuracy: 0.02, "temperature scales the standard deviation")
  }

  /// A checkpoint written by the model as it was built before the flow API took its present
  /// form (a FlowSequence per scale and a hand-rolled split) loads into today's model and gives
  /// the same likelihoods: parameter names and order did not change.
  func testCheckpointFromTheEarlierLayoutLoadsAndGivesTheSameLikelihood() throws {
    let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Fixtures/multiscale-8x8.safetensors")
    let architecture = Architecture(
      channels: 1, height: 8, width: 8, scales: 1, residualBlocks: 1, hidden: 8, preprocessing: .paperLogit,
      couplingNetworks: .shared)
    let model = MultiScaleRealNVP(architecture, seed: 3)
    try model.loadCheckpoint(from: fixture)
    var pixels = RandomGenerator(seed: 4)
    let batch = Tensor.uniform([6, 1, 8, 8], low: 0, high: 255, using: &pixels)
    var noise = RandomGenerator(seed: 5)
    let nll = withoutGradients { model.negativeLogLikelihood(batch, training: false, using: &noise) }
    // Printed by the earlier code for the same checkpoint, batch and noise.
    let recorded: [Float] = [343.371643, 349.693176, 344.773499, 346.642212, 350.454407, 345.376648]
    assertClose(nll.scalars, recorded, accuracy: 4e-3)
  }

  func testSeparateSAndTNetworksAreTheDefaultAndOldRecordsReadAsShared() throws {
    let shape = Architecture(channels: 1, height: 4, width: 4, scales: 1, residualBlocks: 1, hidden: 4)
    XCTAssertEqual(shape.couplingNetworks, .separate, "the post's separate s and t networks are the default")
    var shared = shape
    shared.couplingNetworks = .shared
    let separateModel = MultiScaleRealNVP(shape, seed: 0)
    let sharedModel = MultiScaleRealNVP(shared, seed: 0)
    let names = separateModel.namedParameters.map(\.name)
    XCTAssertTrue(
      names.contains("coupling0.net.s.in.bias") && names.contains("coupling0.net.t.in.bias"), "\(names)")
    // Two trunks of C outputs hold twice the trunk weights of one with 2C outputs, less the
    // output layer's share that both have once.
    func count(_ model: MultiScaleRealNVP, _ prefix: String) -> Int {
      model.namedParameters.filter { $0.name.hasPrefix(prefix) && !$0.name.contains(".out.") }
        .map(\.parameter.value.scalarCount).reduce(0, +)
    }
    XCTAssertEqual(count(separateModel, "coupling0.net"), 2 * count(sharedModel, "coupling0.net"))

    var encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(shape)) as! [String: Any]
    XCTAssertEqual(encoded["couplingNetworks"] as? String, "separate")
    encoded.removeValue(forKey: "couplingNetworks")
    let old = try JSONDecoder().decode(
      Architecture.self, from: JSONSerialization.data(withJSONObject: encoded))
    XCTAssertEqual(old.couplingNetworks, .shared, "records from before the choice describe a shared trunk")
    XCTAssertEqual(old.hidden, 4)
  }

  func testThePostsToyModelIsTheDefaultAndEarlierToyRecordsStillRead() throws {
    let post = RealNVP2D(Toy2DArchitecture(), seed: 1)
    XCTAssertEqual(post.modules(ofType: AffineCoupling.self).count, 32)
    let names = post.namedParameters.map(\.name)
    XCTAssertTrue(
      names.contains("coupling0.net.s.hidden2.weight") && names.contains("coupling0.net.t.out.bias"),
      "\(names)")
    XCTAssertEqual(ExperimentConfiguration.toy2d.model, post.modelDescription.with(seed: 0))

    // A record written before the 2D architecture had a type.
    let earlier = #"{"toy2D":{"batchNorm":true,"couplings":4,"hidden":16,"seed":7}}"#
    let read = try JSONDecoder().decode(ModelDescription.self, from: Data(earlier.utf8))
    XCTAssertEqual(read, RealNVP2D(couplings: 4, hidden: 16, batchNorm: true, seed: 7).modelDescription)
    for description in [
      read, post.modelDescription,
      MultiScaleRealNVP.init(
        Architecture(channels: 1, height: 4, width: 4, scales: 1, residualBlocks: 1, hidden: 4), seed: 2
      ).modelDescription,
    ] {
      let again = try JSONDecoder().decode(ModelDescription.self, from: JSONEncoder().encode(description))
      XCTAssertEqual(again, description)
    }
  }
}

extension ModelDescription {
  fileprivate func with(seed: UInt64) -> ModelDescription {
    var copy = self
    copy.seed = seed
    return copy
  }
}
