import TensorTestSupport
import XCTest

@testable import TensorCore

/// The channel-blocked layout ([N, C/16, H, W, 16]) against the plain one: the reorders, the ops
/// that read blocked buffers as they are (instance norm, element-wise arithmetic, convolution),
/// and a whole residual chain with blocked activations on and off.
final class ChannelBlockTests: XCTestCase {
  let checker = GradientChecker(epsilon: 1e-2, relativeTolerance: 2e-2, absoluteTolerance: 2e-3)

  func testBlockedBufferHoldsSixteenChannelsPerPosition() {
    let x = randomTensor([2, 32, 3, 5], seed: 60)
    let blocked = x.channelBlocked()
    XCTAssertTrue(blocked.isChannelBlocked)
    XCTAssertFalse(x.isChannelBlocked, "the source keeps its plain buffer")
    let plain = x.scalars
    // Element (n, c, h, w) sits at ((n * C/16 + c / 16) * H * W + h * W + w) * 16 + c % 16.
    for (n, c, h, w) in [(0, 0, 0, 0), (0, 17, 2, 4), (1, 31, 1, 3), (1, 5, 0, 2)] {
      let offset = ((n * 2 + c / 16) * 15 + h * 5 + w) * 16 + c % 16
      XCTAssertEqual(
        blocked.raw.base[offset], plain[((n * 32 + c) * 3 + h) * 5 + w], "(\(n), \(c), \(h), \(w))")
    }
    XCTAssertEqual(blocked.scalars, plain, "reading the values makes the buffer plain again")
    XCTAssertFalse(blocked.isChannelBlocked)
  }

  func testReshapeAndBroadcastOfABlockedTensorReadThePlainOrder() {
    let x = randomTensor([2, 16, 2, 3], seed: 61)
    XCTAssertEqual(x.channelBlocked().reshaped([2, -1]).scalars, x.reshaped([2, -1]).scalars)
    let bias = randomTensor([1, 16, 1, 1], seed: 62)
    assertClose((x.channelBlocked() + bias).scalars, (x + bias).scalars, accuracy: 0)
    assertClose((x.channelBlocked() * 3 - 1).scalars, (x * 3 - 1).scalars, accuracy: 0)
  }

  func testElementWiseOpsKeepTheBlockedOrder() {
    let (a, b) = (randomTensor([2, 16, 3, 3], seed: 63), randomTensor([2, 16, 3, 3], seed: 64))
    let sum = a.channelBlocked() + b.channelBlocked()
    XCTAssertTrue(sum.isChannelBlocked)
    XCTAssertTrue((sum * 2).isChannelBlocked)
    assertClose(sum.scalars, (a + b).scalars, accuracy: 0)
    assertClose((a.channelBlocked() * b).scalars, (a * b).scalars, accuracy: 0)
    let (_, grads) = valueAndGradient(at: [a, b]) { ($0[0].channelBlocked() * $0[1].channelBlocked()).sum() }
    assertClose(grads[0].scalars, b.scalars, accuracy: 0)
    assertClose(grads[1].scalars, a.scalars, accuracy: 0)
  }

  func testInstanceNormOnBlockedInputMatchesThePlainKernel() {
    let x = randomTensor([3, 32, 5, 7], seed: 65, low: -2, high: 3)
    let scale = randomTensor([32], seed: 66, low: 0.5, high: 1.5)
    let offset = randomTensor([32], seed: 67, low: -0.5, high: 0.5)
    let g = randomTensor([3, 32, 5, 7], seed: 68)
    for relu in [false, true] {
      let plain = { (t: [Tensor]) in instanceNorm(t[0], scale: t[1], offset: t[2], fusedReLU: relu) }
      let blocked = { (t: [Tensor]) in
        instanceNorm(t[0].channelBlocked(), scale: t[1], offset: t[2], fusedReLU: relu)
      }
      XCTAssertTrue(blocked([x, scale, offset]).isChannelBlocked)
      assertClose(blocked([x, scale, offset]).scalars, plain([x, scale, offset]).scalars, accuracy: 1e-5)
      let (_, expected) = valueAndGradient(at: [x, scale, offset]) { (plain($0) * g).sum() }
      let (_, actual) = valueAndGradient(at: [x, scale, offset]) { (blocked($0) * g.channelBlocked()).sum() }
      XCTAssertTrue(actual[0].isChannelBlocked, "the input gradient stays blocked")
      for (a, e) in zip(actual, expected) { assertClose(a.scalars, e.scalars, accuracy: 1e-4) }
    }
  }

  func testPortableAndAVX512KernelsAgree() throws {
    try XCTSkipUnless(ElementKernels.usesAVX512, "this CPU runs the portable kernels only")
    let x = randomTensor([2, 32, 5, 9], seed: 84, low: -2, high: 3)
    let scale = randomTensor([32], seed: 85, low: 0.5, high: 1.5)
    let offset = randomTensor([32], seed: 86, low: -0.5, high: 0.5)
    let g = randomTensor([2, 32, 5, 9], seed: 87)
    let run = {
      valueAndGradient(at: [x, scale, offset]) {
        (instanceNorm($0[0].channelBlocked(), scale: $0[1], offset: $0[2], fusedReLU: true) * g).sum()
      }
    }
    let (fast, portable) = (run(), ElementKernels.portableOnly(run))
    XCTAssertEqual(fast.value.item(), portable.value.item(), accuracy: 1e-4)
    for (a, b) in zip(fast.gradients, portable.gradients) {
      assertClose(a.scalars, b.scalars, accuracy: 1e-5)
    }
  }

  func testBlockedInstanceNormGradientsMatchFiniteDifferences() {
    let x = randomTensor([2, 16, 3, 4], seed: 69, low: -2, high: 3)
    let scale = randomTensor([16], seed: 70, low: 0.5, high: 1.5)
    let offset = randomTensor([16], seed: 71, low: -0.5, high: 0.5)
    checker.check([x, scale, offset]) {
      // Without the ReLU: a finite-difference step across its kink is no derivative; the fused
      // ReLU's gradient is checked against the plain kernel's above.
      instanceNorm($0[0].channelBlocked(), scale: $0[1], offset: $0[2]) * $0[0]
    }
  }

  func testResidualChainMatchesWithBlockedActivationsOnAndOff() {
    // conv 4 -> 32, then a residual block (norm + ReLU, conv, norm + ReLU, conv, add), then
    // norm + ReLU and conv 32 -> 2: the coupling network's shape, at a small size.
    let x = randomTensor([3, 4, 6, 5], seed: 72)
    let w0 = randomTensor([32, 4, 3, 3], seed: 73, low: -0.3, high: 0.3)
    let (w1, w2) = (
      randomTensor([32, 32, 3, 3], seed: 74, low: -0.1, high: 0.1),
      randomTensor([32, 32, 3, 3], seed: 75, low: -0.1, high: 0.1)
    )
    let w3 = randomTensor([2, 32, 3, 3], seed: 76, low: -0.1, high: 0.1)
    let (b0, b1) = (randomTensor([32], seed: 77), randomTensor([32], seed: 78))
    let (scale, offset) = (randomTensor([32], seed: 79, low: 0.5, high: 1.5), randomTensor([32], seed: 80))
    let g = randomTensor([3, 2, 6, 5], seed: 81)
    func network(_ t: [Tensor]) -> Tensor {
      let h = conv2d(t[0], t[1], bias: t[5])
      let inner = conv2d(instanceNorm(h, scale: t[7], offset: t[8], fusedReLU: true), t[2], bias: t[6])
      let block = h + conv2d(instanceNorm(inner, scale: t[7], offset: t[8], fusedReLU: true), t[3])
      return conv2d(instanceNorm(block, scale: t[7], offset: t[8], fusedReLU: true), t[4])
    }
    let inputs = [x, w0, w1, w2, w3, b0, b1, scale, offset]
    let saved = ComputeBackend.channelBlockedActivations
    defer { ComputeBackend.channelBlockedActivations = saved }
    var results: [(Tensor, [Tensor])] = []
    for blocked in [false, true] {
      ComputeBackend.channelBlockedActivations = blocked
      results.append(valueAndGradient(at: inputs) { (network($0) * g).sum() })
      if !blocked { XCTAssertFalse(conv2d(x, w0).isChannelBlocked) }
    }
    XCTAssertEqual(results[1].0.item(), results[0].0.item(), accuracy: 1e-3 * Swift.abs(results[0].0.item()))
    for (index, (on, off)) in zip(results[1].1, results[0].1).enumerated() {
      let largest = off.scalars.map(Swift.abs).max() ?? 0
      assertClose(on.scalars, off.scalars, accuracy: 1e-4 * Swift.max(largest, 1))
      XCTAssertEqual(on.shape, inputs[index].shape)
    }
  }

  func testConvolutionOutputIsBlockedWhereTheEngineComputesInThatLayout() throws {
    let saved = ComputeBackend.channelBlockedActivations
    defer { ComputeBackend.channelBlockedActivations = saved }
    ComputeBackend.channelBlockedActivations = true
    let x = randomTensor([2, 16, 4, 4], seed: 82)
    let w = randomTensor([16, 16, 3, 3], seed: 83)
    let out = conv2d(x, w)
    guard out.isChannelBlocked else {
      throw XCTSkip("oneDNN does not compute in 16-channel blocks on this CPU (\(ComputeBackend.isa))")
    }
    let reference = naiveConv2d(x, w, nil).map(Float.init)
    assertClose(conv2d(x.channelBlocked(), w).scalars, reference, accuracy: 1e-4)
    assertClose(out.scalars, reference, accuracy: 1e-4)
  }
}
