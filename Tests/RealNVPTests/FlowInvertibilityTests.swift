import TensorCore
import TensorTestSupport
import XCTest

@testable import RealNVP

/// One check for every flow type: inverse(forward(x)) == x, the two log-determinants cancel, and
/// log|det J| equals the brute-force Jacobian's.
final class FlowInvertibilityTests: XCTestCase {
  private func image(_ shape: [Int], seed: UInt64 = 3) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    return Tensor.normal(shape, using: &rng)
  }

  private func imageCoupling(_ mask: CouplingMask, channels: Int) -> AffineCoupling {
    var rng = RandomGenerator(seed: 11)
    let net = ResNetCouplingNetwork(
      channels: channels, hidden: 4, blocks: 1, weightNorm: true, using: &rng)
    let coupling = AffineCoupling(mask: mask, network: net, channels: channels)
    perturb(coupling.parameters)
    return coupling
  }

  /// The library's own check, which users run on their layers: round trip, cancelling
  /// log-determinants, and the brute-force Jacobian's log-determinant.
  private func assertInvertsWithExactLogDet(
    _ flow: Flow, _ x: Tensor, file: StaticString = #filePath, line: UInt = #line
  ) {
    let report = checkFlow(flow, on: x)
    XCTAssertNotNil(report.bruteForceLogDet, "the Jacobian was built", file: file, line: line)
    XCTAssertTrue(report.passes(), "\(type(of: flow)):\n\(report)", file: file, line: line)
  }

  func testCheckerboardCouplingsOfBothParities() {
    for parity in 0...1 {
      assertInvertsWithExactLogDet(
        imageCoupling(.checkerboard(parity: parity), channels: 2), image([3, 2, 4, 4]))
    }
  }

  func testCouplingWithSeparateScaleAndShiftNetworks() {
    var rng = RandomGenerator(seed: 12)
    let net = SeparateResNetCouplingNetwork(
      channels: 2, hidden: 4, blocks: 1, weightNorm: true, using: &rng)
    let coupling = AffineCoupling(mask: .checkerboard(parity: 1), network: net, channels: 2)
    perturb(coupling.parameters)
    assertInvertsWithExactLogDet(coupling, image([3, 2, 4, 4]))
  }

  func testChannelwiseCouplingsOfBothParities() {
    for parity in 0...1 {
      assertInvertsWithExactLogDet(
        imageCoupling(.channelwise(parity: parity), channels: 4), image([3, 4, 2, 2]))
    }
  }

  func testVectorCouplingsOfBothParities() {
    for parity in 0...1 {
      var rng = RandomGenerator(seed: 5)
      let net = MLPCouplingNetwork(dimensions: 2, hidden: 8, using: &rng)
      let coupling = AffineCoupling(mask: .vector(parity: parity), network: net, channels: 2)
      perturb(coupling.parameters)
      assertInvertsWithExactLogDet(coupling, image([5, 2]))
    }
  }

  func testVectorCouplingsWithThePostsSeparateBoundedNetworks() {
    for parity in 0...1 {
      var rng = RandomGenerator(seed: 6)
      let net = SeparateMLPCouplingNetwork(
        dimensions: 2, hidden: 8, layers: 3, boundedShift: true, using: &rng)
      let coupling = AffineCoupling(mask: .vector(parity: parity), network: net, channels: 2)
      perturb(coupling.parameters, scale: 0.5)
      assertInvertsWithExactLogDet(coupling, image([5, 2]))
      let shift = withoutGradients { net(image([64, 2], seed: 9) * 30).shift }
      XCTAssertLessThanOrEqual(shift.scalars.map(abs).max()!, 1, "tanh bounds the shift")
    }
  }

  func testSqueezeIsAVolumePreservingPermutation() {
    assertInvertsWithExactLogDet(Squeeze(), image([2, 1, 4, 4]))
  }

  func testBatchNormInInferenceWithNontrivialStatistics() {
    let norm = FlowBatchNorm(channels: 2)
    norm.runningMean.value = Tensor(shape: [1, 2, 1, 1], scalars: [0.5, -1])
    norm.runningVariance.value = Tensor(shape: [1, 2, 1, 1], scalars: [2, 0.25])
    assertInvertsWithExactLogDet(norm, image([3, 2, 2, 2]))
  }

  func testBatchNormTrainingUpdatesRunningAveragesWithUnbiasedVariance() {
    let norm = FlowBatchNorm(channels: 1, vector: true, momentum: 0.5)
    let x = Tensor(shape: [4, 1], scalars: [1, 2, 3, 6])  // mean 3, unbiased variance 14/3
    _ = norm.forward(x, training: true)
    XCTAssertEqual(norm.runningMean.value.item(), 0.5 * 0 + 0.5 * 3, accuracy: 1e-6)
    XCTAssertEqual(norm.runningVariance.value.item(), 0.5 * 1 + 0.5 * 14 / 3, accuracy: 1e-5)
  }

  func testPreprocessingFlows() {
    let pixels = Tensor(shape: [2, 1, 2, 2], scalars: [0.5, 100.25, 200.75, 255.5, 3, 40, 80, 120])
    for pre in [Preprocessing.scale, .paperLogit] {
      let flow = PreprocessingFlow(pre)
      let (y, logDet) = flow.forward(pixels)
      let (back, inverseLogDet) = flow.inverse(y)
      XCTAssertLessThan(maxAbsDifference(back, pixels), 1e-2, "\(pre)")
      XCTAssertLessThan(maxAbsDifference(logDet + inverseLogDet, Tensor.zeros([2])), 1e-3, "\(pre)")
      let single = pixels.rows(0..<1)
      let expected = logAbsDeterminant(jacobian(of: { pre($0).output }, at: single))
      XCTAssertEqual(Double(flow.forward(single).logAbsDet.item()), expected, accuracy: 1e-3, "\(pre)")
    }
  }

  func testFlattenAndFactorOut() {
    assertInvertsWithExactLogDet(Flatten(inputShape: [2, 2, 2]), image([3, 2, 2, 2]))
    let rest = FlowSequence([
      imageCoupling(.checkerboard(parity: 1), channels: 2), Flatten(inputShape: [2, 2, 2]),
    ])
    let split = FactorOut(inputShape: [4, 2, 2], rest: rest)
    assertInvertsWithExactLogDet(split, image([3, 4, 2, 2]))
    let (z, _) = split.forward(image([3, 4, 2, 2]))
    XCTAssertEqual(z.shape, [3, 16], "the split's output is flat")
  }

  func testSequenceSumsAndInvertsInReverseOrder() {
    let norm = FlowBatchNorm(channels: 2)
    norm.runningVariance.value = Tensor(shape: [1, 2, 1, 1], scalars: [3, 0.5])
    let sequence = FlowSequence([
      imageCoupling(.checkerboard(parity: 0), channels: 2), norm, Squeeze(),
      imageCoupling(.channelwise(parity: 1), channels: 8),
    ])
    assertInvertsWithExactLogDet(sequence, image([2, 2, 4, 4]))
  }

  func testWholeMultiScaleModelOnA1x4x4Input() {
    let architecture = Architecture(
      channels: 1, height: 4, width: 4, scales: 1, residualBlocks: 1, hidden: 4, batchNorm: true)
    let model = MultiScaleRealNVP(architecture, seed: 2)
    // Moderate perturbations: every coupling is far from the identity, but the product of ten
    // exp(s) factors stays within what Float32 inverts to 1e-4.
    perturb(model.parameters, scale: 0.1)
    for (name, buffer) in model.namedBuffers where name.hasSuffix("runningVariance") {
      buffer.value = buffer.value * 1.5
    }
    let x = image([2, 1, 4, 4])
    XCTAssertEqual(
      model.forwardFlow(x, training: false).z.shape, [2, 16], "the latent has as many dimensions as the input"
    )
    assertInvertsWithExactLogDet(model.flow, x)
  }
}
