import TensorTestSupport
import XCTest

@testable import TensorCore

// MARK: - Element-wise ops

final class GradientTests: XCTestCase {
  let checker = GradientChecker()

  func testArithmeticWithSameShapes() {
    let a = randomTensor([3, 4], seed: 1)
    let b = randomTensor([3, 4], seed: 2, low: 0.5, high: 2)
    checker.check([a, b]) { $0[0] + $0[1] }
    checker.check([a, b]) { $0[0] - $0[1] }
    checker.check([a, b]) { $0[0] * $0[1] }
    checker.check([a, b]) { $0[0] / $0[1] }
    checker.check([a]) { -$0[0] }
  }

  func testArithmeticWithBroadcasting() {
    let x = randomTensor([2, 3, 4, 5], seed: 3)
    let channel = randomTensor([1, 3, 1, 1], seed: 4, low: 0.5, high: 2)
    let row = randomTensor([5], seed: 5, low: 0.5, high: 2)
    let scalar = randomTensor([], seed: 6, low: 0.5, high: 2)
    checker.check([x, channel]) { $0[0] + $0[1] }
    checker.check([x, channel]) { $0[0] - $0[1] }
    checker.check([x, channel]) { $0[0] * $0[1] }
    checker.check([x, row]) { $0[0] / $0[1] }
    checker.check([channel, x]) { $0[0] / ($0[1] + 3) }
    checker.check([scalar, x]) { $0[0] * $0[1] }
    checker.check([randomTensor([4, 1], seed: 7), randomTensor([1, 3], seed: 8)]) { $0[0] * $0[1] }
  }

  func testScalarOperands() {
    let x = randomTensor([2, 5], seed: 9, low: 0.5, high: 2)
    checker.check([x]) { 3 + $0[0] * 2 - 1 }
    checker.check([x]) { 2 - $0[0] / 4 }
    checker.check([x]) { 3 / $0[0] }
  }

  func testTensorUsedTwiceAccumulatesGradient() {
    let x = randomTensor([6], seed: 10)
    checker.check([x]) { $0[0] * $0[0] + $0[0] }
    let (_, grads) = valueAndGradient(at: [x]) { xs in (xs[0] * xs[0] + xs[0]).sum() }
    assertClose(grads[0].scalars, x.scalars.map { 2 * $0 + 1 })
  }

  func testGradientSumsInPlaceLeaveSharedGradientsAlone() {
    // x + x hands the same gradient buffer to both uses of x, and y's gradient is that buffer
    // too: summing x's gradients in place would change y's.
    let (x, y) = (randomTensor([3, 70_000], seed: 12), randomTensor([3, 70_000], seed: 13))
    let g = randomTensor([3, 70_000], seed: 14)
    let (_, grads) = valueAndGradient(at: [x, y]) { t in ((t[0] + t[0]) + t[1]) * g }
    assertClose(grads[0].scalars, g.scalars.map { 2 * $0 }, accuracy: 0)
    assertClose(grads[1].scalars, g.scalars, accuracy: 0)
    // Three uses: the second sum goes into the first sum's own buffer.
    let (_, three) = valueAndGradient(at: [x]) { t in ((t[0] * 2 + t[0]) + t[0] * 3) * g }
    assertClose(three[0].scalars, g.scalars.map { 6 * $0 }, accuracy: 1e-6)
  }

  func testUnaryMath() {
    let positive = randomTensor([3, 4], seed: 11, low: 0.3, high: 2)
    let any = randomTensor([3, 4], seed: 12, low: -2, high: 2)
    let away = tensorAwayFromZero([3, 4], seed: 13)
    checker.check([any]) { exp($0[0]) }
    checker.check([positive]) { log($0[0]) }
    checker.check([positive]) { log1p($0[0]) }
    checker.check([positive]) { sqrt($0[0]) }
    checker.check([positive]) { pow($0[0], 2.5) }
    checker.check([any]) { $0[0].squared() }
    checker.check([away]) { abs($0[0]) }
    checker.check([away * 2]) { $0[0].clamped(min: -1, max: 1) }
  }

  func testActivations() {
    let x = randomTensor([3, 5], seed: 14, low: -3, high: 3)
    checker.check([x]) { tanh($0[0]) }
    checker.check([x]) { sigmoid($0[0]) }
    checker.check([tensorAwayFromZero([3, 5], seed: 15)]) { relu($0[0]) }
    checker.check([x]) { softplus($0[0]) }
    checker.check([x]) { logSigmoid($0[0]) }
  }

  func testWhereSelectsAndRoutesGradients() {
    let mask = Tensor(shape: [2, 3], scalars: [1, 0, 1, 0, 0, 1])
    let a = randomTensor([2, 3], seed: 16)
    let b = randomTensor([1, 3], seed: 17)
    checker.check([a, b]) { Tensor.where(mask, $0[0], $0[1]) }
    let picked = Tensor.where(mask, a, b).scalars
    let expected = (0..<6).map { mask.scalars[$0] != 0 ? a.scalars[$0] : b.scalars[$0 % 3] }
    XCTAssertEqual(picked, expected)
  }

  // MARK: - Reductions and shape work

  func testReductions() {
    let x = randomTensor([2, 3, 4], seed: 18)
    checker.check([x]) { $0[0].sum(axes: [1]) }
    checker.check([x]) { $0[0].sum(axes: [0, 2], keepDims: true) }
    checker.check([x]) { $0[0].sum() }
    checker.check([x]) { $0[0].mean(axes: [-1]) }
    checker.check([x]) { $0[0].variance(axes: [0, 2]) }
    checker.check([x]) { $0[0].mean() }
  }

  func testShapeOps() {
    let x = randomTensor([2, 3, 4], seed: 19)
    let y = randomTensor([2, 2, 4], seed: 20)
    checker.check([x]) { $0[0].reshaped([6, -1]) * $0[0].reshaped([6, 4]) }
    checker.check([x]) { $0[0].permuted([2, 0, 1]) }
    checker.check([x]) { $0[0].rows(1..<2) }
    checker.check([x, y]) { Tensor.concatenated([$0[0], $0[1]], axis: 1) }
    checker.check([x]) {
      let parts = $0[0].split(sizes: [1, 2], axis: 1);
      return parts[0] * parts[1].sum(axes: [1], keepDims: true)
    }
    checker.check([x]) {
      let halves = $0[0].chunked(2, axis: -1); return halves[0] * exp(halves[1])
    }
    checker.check([randomTensor([3, 1], seed: 21)]) { $0[0].broadcasted(to: [2, 3, 4]) }
  }

  func testMatmul() {
    let a = randomTensor([3, 5], seed: 22)
    let b = randomTensor([5, 2], seed: 23)
    checker.check([a, b]) { matmul($0[0], $0[1]) }
    checker.check([a]) { matmul($0[0], $0[0].transposed()) }
  }

  // MARK: - Image ops

  func testInstanceNormMatchesDefinition() {
    let x = randomTensor([2, 3, 4, 5], seed: 30, low: -2, high: 3)
    let scale = randomTensor([3], seed: 31, low: 0.5, high: 1.5)
    let offset = randomTensor([3], seed: 32)
    let mean = x.mean(axes: [2, 3], keepDims: true)
    let variance = x.variance(axes: [2, 3], keepDims: true)
    let expected =
      (x - mean) / sqrt(variance + 1e-5) * scale.reshaped([1, 3, 1, 1]) + offset.reshaped([1, 3, 1, 1])
    assertClose(instanceNorm(x, scale: scale, offset: offset).scalars, expected.scalars, accuracy: 1e-4)
    checker.check([x, scale.reshaped([1, 3, 1, 1]), offset]) {
      instanceNorm($0[0] * 2, scale: $0[1].reshaped([3]), offset: $0[2]) * $0[0]
    }
  }

  func testInstanceNormWithFusedReLUMatchesTheTwoOps() {
    let x = randomTensor([2, 3, 4, 5], seed: 33, low: -2, high: 3)
    let scale = randomTensor([3], seed: 34, low: 0.5, high: 1.5)
    let offset = randomTensor([3], seed: 35, low: -0.5, high: 0.5)
    let fused = { (t: [Tensor]) in instanceNorm(t[0], scale: t[1], offset: t[2], fusedReLU: true) * t[0] }
    let separate = { (t: [Tensor]) in relu(instanceNorm(t[0], scale: t[1], offset: t[2])) * t[0] }
    assertClose(fused([x, scale, offset]).scalars, separate([x, scale, offset]).scalars, accuracy: 1e-6)
    let (_, fusedGrads) = valueAndGradient(at: [x, scale, offset]) { fused($0).sum() }
    let (_, separateGrads) = valueAndGradient(at: [x, scale, offset]) { separate($0).sum() }
    for (a, b) in zip(fusedGrads, separateGrads) { assertClose(a.scalars, b.scalars, accuracy: 1e-5) }
    checker.check([x, scale, offset]) { fused($0) }
  }

  func testImageOps() {
    let x = randomTensor([2, 3, 4, 4], seed: 24)
    checker.check([x]) { pixelUnshuffle($0[0]) }
    checker.check([randomTensor([1, 8, 2, 3], seed: 25)]) { pixelShuffle($0[0]) }
    let scale = randomTensor([3], seed: 26, low: 0.5, high: 1.5)
    let offset = randomTensor([3], seed: 27)
    checker.check([x, scale, offset]) { instanceNorm($0[0], scale: $0[1], offset: $0[2]) }
    let v = randomTensor([4, 3, 3, 3], seed: 28)
    let g = randomTensor([4], seed: 29, low: 0.5, high: 2)
    checker.check([v, g]) { weightNormalized($0[0], $0[1]) }
  }
}

// MARK: - Sum across processes

extension GradientTests {
  /// Two identical processes in one: the sum across them doubles, and so does its gradient.
  func testSumAcrossProcesses() {
    let x = randomTensor([2, 3], seed: 30)
    checker.check([x]) { xs in xs[0].summedAcrossProcesses { $0 * 2 } * xs[0] }
  }
}

// MARK: - Gradients as they become final

extension GradientTests {
  /// In a chain of three layers, the last layer's parameter is final first; each gradient
  /// handed out early equals the returned one, every index comes once, and an unused parameter
  /// comes last with zeros.
  func testEachParameterGradientArrivesOnceTheBackwardPassIsDoneWithIt() {
    let first = Parameter(randomTensor([3], seed: 31))
    let second = Parameter(randomTensor([3], seed: 32))
    let third = Parameter(randomTensor([3], seed: 33))
    let unused = Parameter(randomTensor([2], seed: 34))
    let x = randomTensor([3], seed: 35)
    var arrived: [(index: Int, gradient: Tensor, backwardOpsLeft: Int)] = []
    var backwardOpsRun = 0
    let parameters = [first, unused, second, third, first]
    let (_, gradients) = valueAndGradient(
      at: parameters,
      onGradient: { arrived.append(($0, $1, backwardOpsRun)) }
    ) {
      let hidden = tanh(tanh(x * first.value) * second.value)
      let counted = Tensor.record(hidden, hidden) { g in
        backwardOpsRun += 1
        return g
      }
      return (counted * third.value).sum()
    }
    XCTAssertEqual(arrived.map(\.index), [3, 2, 0, 1, 4])
    XCTAssertEqual(
      arrived[0].backwardOpsLeft, 0, "the last layer's gradient comes before the counted op runs")
    XCTAssertEqual(arrived[1].backwardOpsLeft, 1)
    for (index, gradient, _) in arrived { XCTAssertEqual(gradient.scalars, gradients[index].scalars) }
    XCTAssertEqual(gradients[1].scalars, [0, 0])
    XCTAssertEqual(gradients[4].scalars, gradients[0].scalars)
  }
}
