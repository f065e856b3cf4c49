import Foundation
import Glow
import RealNVP
import TensorCore
import TensorTestSupport
import XCTest

/// Each Glow layer passes the library's flow check; ActNorm initializes from data once.
final class GlowLayerTests: XCTestCase {
  private func images(_ shape: [Int], seed: UInt64 = 3, scale: Float = 1) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    return Tensor.normal(shape, using: &rng) * scale
  }

  private func assertPassesTheFlowCheck(
    _ flow: Flow, _ x: Tensor, file: StaticString = #filePath, line: UInt = #line
  ) {
    let report = checkFlow(flow, on: x)
    XCTAssertNotNil(report.bruteForceLogDet, file: file, line: line)
    XCTAssertTrue(report.passes(), "\(type(of: flow)):\n\(report)", file: file, line: line)
  }

  func testActNormSetsItselfFromTheFirstTrainingBatchOnly() throws {
    let norm = ActNorm(channels: 3)
    let x = images([8, 3, 4, 4], scale: 3) + 2
    XCTAssertFalse(norm.isInitialized)
    let (y, _) = norm.forward(x, training: true)
    XCTAssertTrue(norm.isInitialized)
    let mean = y.mean(axes: [0, 2, 3]).scalars
    let variance = y.variance(axes: [0, 2, 3]).scalars
    for c in 0..<3 {
      XCTAssertEqual(mean[c], 0, accuracy: 1e-4)
      XCTAssertEqual(variance[c], 1, accuracy: 0.05)
    }
    let bias = norm.bias.value.scalars
    _ = norm.forward(x * 5, training: true)
    XCTAssertEqual(norm.bias.value.scalars, bias, "a second batch does not initialize again")
    assertPassesTheFlowCheck(norm, x)

    // The flag is saved with the parameters: a loaded layer does not initialize again.
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("glow-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let model = FlowModel(flow: norm, base: StandardNormal(shape: [3, 4, 4]), sampleShape: [3, 4, 4])
    let file = folder.appendingPathComponent("actnorm.safetensors")
    try model.saveCheckpoint(to: file)
    let fresh = ActNorm(channels: 3)
    try FlowModel(flow: fresh, base: StandardNormal(shape: [3, 4, 4]), sampleShape: [3, 4, 4])
      .loadCheckpoint(from: file)
    XCTAssertTrue(fresh.isInitialized)
    _ = fresh.forward(x * 5, training: true)
    XCTAssertEqual(fresh.bias.value.scalars, bias)
  }

  func testTheInvertible1x1ConvolutionIsItsLUFactorsWithTheirLogDeterminant() {
    var rng = RandomGenerator(seed: 9)
    let conv = InvertibleConv1x1(channels: 4, using: &rng)
    // It starts as a rotation: W W^T = I and log|det W| = 0.
    let w = conv.weight
    let product = matmul(w, w.transposed()).scalars
    for i in 0..<4 {
      for j in 0..<4 { XCTAssertEqual(product[i * 4 + j], i == j ? 1 : 0, accuracy: 1e-5) }
    }
    XCTAssertEqual(conv.logScale.value.sum().item(), 0, accuracy: 1e-5)
    perturb(conv.parameters, scale: 0.3)
    assertPassesTheFlowCheck(conv, images([2, 4, 2, 2]))
    // log|det W| of the perturbed matrix, brute force, is the sum of its log-scales.
    let matrix = (0..<4).map { i in (0..<4).map { j in Double(conv.weight.scalars[i * 4 + j]) } }
    XCTAssertEqual(logAbsDeterminant(matrix), Double(conv.logScale.value.sum().item()), accuracy: 1e-4)
  }

  func testTheCouplingInvertsWithEitherMask() {
    for mask in [CouplingMask.channelwise(parity: 0), .channelwise(parity: 1), .checkerboard(parity: 0)] {
      var rng = RandomGenerator(seed: 2)
      let coupling = GlowCoupling(
        mask: mask, network: GlowCouplingNetwork(channels: 4, hidden: 6, using: &rng))
      perturb(coupling.parameters, scale: 0.3)
      assertPassesTheFlowCheck(coupling, images([2, 4, 2, 2]))
    }
  }
}
